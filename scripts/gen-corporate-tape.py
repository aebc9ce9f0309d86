#!/usr/bin/env python3
"""Writes a corporate package tape (.xlsx, three sheets as banks send them: claims, collateral,
guarantors, linked by contract number) of N claims, for the end-to-end valuation benchmark.
Like huajie_value::sample::corporate_package: borrowers with one or (one in five) two claims
sharing their collateral, 0-3 items per borrower (one in six with prior claims), 0-2 guarantors
per claim (one in three capped), every litigation stage, limitation dates some past.

Usage: scripts/gen-corporate-tape.py N OUT.xlsx     (needs `pip install openpyxl`)
"""
import datetime, random, sys
import openpyxl  # pip install openpyxl

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
def uscc(i):
    org = "".join(ALPHABET[(i // 31**k) % 31] for k in range(8))
    check = 11 - sum(int(c, 36) * w for c, w in zip(org, ORG_WEIGHTS)) % 11  # GB 11714
    body = "91330100" + org + {10: "X", 11: "0"}.get(check, str(check))
    s = sum(ALPHABET.index(c) * w for c, w in zip(body, WEIGHTS))
    return body + ALPHABET[(31 - s % 31) % 31]

rng = random.Random(20261128)
n = int(sys.argv[1]); out = sys.argv[2]
STAGES = ["未诉", "已起诉", "已判决", "执行中", "终本", "破产"]
STATUS = ["存续/正常", "存续/正常", "吊销", "破产", "注销"]
KINDS = ["住宅", "商业", "工业厂房", "土地使用权", "在建工程", "车辆", "设备", "股权", "应收账款", "其他"]
wb = openpyxl.Workbook(write_only=True)
claims = wb.create_sheet("债权明细"); collateral = wb.create_sheet("抵质押物"); guarantors = wb.create_sheet("保证人")
claims.append(["生成的对公不良贷款资产包"]); claims.append(["基准日：2026-06-30"])
claims.append(["借款合同编号", "借款人名称", "证件号码", "客户状态", "本金余额", "利息余额", "罚息", "五级分类", "诉讼状态", "逾期日", "诉讼时效到期日", "所属地区"])
collateral.append(["借款合同编号", "抵押物类型", "抵押物名称", "抵押物地址", "评估价值", "评估基准日", "抵押顺位", "优先受偿金额"])
guarantors.append(["借款合同编号", "保证人名称", "保证人证件号码", "保证方式", "保证金额", "保证人状态"])
made = 0; borrower = 0; party = 10_000_000
while made < n:
    borrower += 1
    count = 2 if rng.random() < 0.2 and made + 2 <= n else 1
    contracts = []
    for _ in range(count):
        made += 1
        no = "DG%08d" % made
        contracts.append(no)
        principal = round(100_000 + 40_000_000 * rng.random(), 2)
        limitation = datetime.date(2025 + rng.randrange(4), 1 + rng.randrange(12), 15)
        claims.append([no, "借款企业%d有限公司" % borrower, uscc(borrower), rng.choice(STATUS), principal, round(principal * 0.15, 2),
                       round(principal * 0.05, 2), "可疑", rng.choice(STAGES), datetime.date(2022, 1 + rng.randrange(12), 1), limitation, "浙江省"])
        for _ in range(rng.randrange(3)):
            party += 1
            cap = round(1_000_000 * rng.random(), 2) if rng.random() < 1 / 3 else None
            guarantors.append([no, "保证企业%d有限公司" % party, uscc(party), "连带责任保证", cap, rng.choice(STATUS)])
    for _ in range(rng.randrange(4)):
        prior = round(2_000_000 * rng.random(), 2) if rng.random() < 1 / 6 else 0
        collateral.append(["、".join(contracts), rng.choice(KINDS), "抵押物", "杭州市西湖区文三路%d号" % borrower,
                           round(60_000_000 * rng.random(), 2), datetime.date(2025, 6, 30), 1 + rng.randrange(2), prior])
wb.save(out)
print("%s: %d claims" % (out, made))
