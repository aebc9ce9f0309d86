//! Issue 14: a sold lot's records on the staff's pages and in the API — the package's sales,
//! the plan's sale, the transfer agreement's draft as a PDF (read back by pdftotext, named by
//! `HUAJIE_PDFTOTEXT`: the buyer, the price in figures and in capitals) — refused to an
//! investor, and refused while the lot is not sold.

mod common;

use std::sync::Arc;

use axum::http::StatusCode;
use common::TestApp;
use huajie_core::clock::FixedClock;

fn pdf_text(pdftotext: &str, pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agreement.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new(pdftotext).arg(&path).arg("-").output().unwrap();
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sold_lot_shows_its_sale_and_drafts_its_transfer_agreement_for_staff_only() {
    let clock = Arc::new(FixedClock::at("2026-12-07T02:00:00Z".parse().unwrap()));
    let app = TestApp::with_clock(clock.clone()).await;
    let s = &app.store.store;
    let (plan, lot) = common::lot_with_a_bid(s, &clock).await;
    let manager = app.login("asset_manager").await;
    let agreement = format!("/lots/{}/agreement.pdf", lot.id);

    // Not sold yet: no agreement.
    let (status, _) = app.get_bytes(&manager, &agreement).await;
    assert_eq!(status, StatusCode::CONFLICT, "refused while bidding");
    *clock.0.lock().unwrap() = lot.terms.ends_at;
    s.close_lot("asset_manager", lot.id).await.unwrap();
    let sale = s.sale_of_lot(lot.id).await.unwrap().expect("the sale is recorded");
    let buyer = s.investor_of_user(sale.buyer_id).await.unwrap().unwrap();
    // The clock moved past the sessions' idle limit: log in again.
    let manager = app.login("asset_manager").await;

    let (status, pdf) = app.get_bytes(&manager, &agreement).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF"));
    let (status, api_pdf) = app.get_bytes(&manager, &format!("/api/v1/lots/{}/agreement.pdf", lot.id)).await;
    assert_eq!((status, api_pdf.starts_with(b"%PDF")), (StatusCode::OK, true));
    if let Ok(pdftotext) = std::env::var("HUAJIE_PDFTOTEXT") {
        let text = pdf_text(&pdftotext, &pdf);
        let capitals = format!("人民币{}", sale.price.in_capitals());
        for needle in [
            "债权转让协议（草稿）",
            buyer.name.as_str(),
            buyer.identifier.as_str(),
            &sale.price.yuan_string(),
            &capitals,
            &sale.balance_due.yuan_string(),
            &sale.balance_due.in_capitals(),
            &sale.deposit_applied.yuan_string(),
            "北京时间",
        ] {
            assert!(text.contains(needle), "{needle} not in the agreement:\n{text}");
        }
        // A debtor who is a person is named to the asset managers, masked to finance.
        let claim = match plan.subject {
            huajie_store::PlanSubject::Claim(c) => c,
            other => panic!("the demo plan sells a claim, not {other:?}"),
        };
        let debtor = s.claim(claim).await.unwrap().unwrap().debtor.data.name;
        assert!(text.contains(&debtor), "{debtor} named to the asset manager:\n{text}");
        let finance = app.login("finance").await;
        let (status, masked) = app.get_bytes(&finance, &agreement).await;
        assert_eq!(status, StatusCode::OK, "finance sees lots");
        let masked = pdf_text(&pdftotext, &masked);
        assert!(!masked.contains(&debtor), "the debtor masked to finance:\n{masked}");
        assert!(masked.contains(&huajie_core::mask::mask_person_name(&debtor)), "{masked}");
        assert!(masked.contains(buyer.name.as_str()), "the buyer named to staff");
    } else {
        eprintln!("HUAJIE_PDFTOTEXT is not set: the agreement is not read back");
    }

    // An investor, even the buyer, never reads the staff's draft; nor the package's sales.
    let investor = app.login("investor").await;
    assert_eq!(app.get_bytes(&investor, &agreement).await.0, StatusCode::FORBIDDEN);
    let sales_api = format!("/api/v1/packages/{}/sales", plan.package_id);
    assert_eq!(app.get_bytes(&investor, &sales_api).await.0, StatusCode::FORBIDDEN);

    let mut manager = manager;
    let reply = app.get(&mut manager, &sales_api).await;
    assert_eq!(reply.status, StatusCode::OK);
    let data = reply.json()["data"].clone();
    let kept = s.sales(Some(plan.package_id)).await.unwrap().len();
    assert_eq!(data.as_array().map(Vec::len), Some(kept), "every sale of the package (the demo's too): {data}");
    let ours = data.as_array().unwrap().iter().find(|d| d["lot_id"] == lot.id).expect("this lot's sale");
    assert_eq!(ours["price_fen"], sale.price.fen());
    assert_eq!(ours["balance_due_fen"], sale.balance_due.fen());
    assert_eq!(ours["buyer"]["name"], buyer.name.as_str());
    assert_eq!(ours["recovery_fen"], serde_json::json!(sale.recovery.map(|m| m.fen())));

    // The package's page and the plan's page list the sale, the buyer named, the agreement linked.
    for page in [format!("/packages/{}", plan.package_id), format!("/plans/{}", plan.id)] {
        let reply = app.get(&mut manager, &page).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}");
        let body = common::decoded(&reply.body);
        assert!(body.contains(&format!("id=\"sale-lot-{}\"", lot.id)), "{page}: {body}");
        assert!(body.contains(&buyer.name), "{page}: the buyer named");
        assert!(body.contains(&agreement), "{page}: the agreement linked");
        assert!(body.contains(&sale.price.display(huajie_core::Lang::Zh)), "{page}: the price");
    }
}
