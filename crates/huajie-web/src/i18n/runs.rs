//! The texts of the background runs' pages (issue 17: `pages/runs.rs`), and of the upload
//! page's progress bar while a tape is sent: key, Chinese, English. A run's kind, state and
//! stage are named by the store's own enums (`huajie_store::RunKind`, …).

pub const RUNS: &[(&str, &str, &str)] = &[
    ("runs.title", "后台任务", "Background runs"),
    (
        "runs.intro",
        "估值和数据带导入在后台进行：关闭或刷新页面不影响任务，可随时回到这里查看。",
        "Valuations and tape imports run in the background: closing or reloading the page does not stop them; come back here any time.",
    ),
    ("runs.run", "任务", "Run"),
    ("runs.kind", "类型", "Kind"),
    ("runs.package", "资产包", "Package"),
    ("runs.state", "状态", "State"),
    ("runs.stage", "阶段", "Stage"),
    ("runs.progress", "进度", "Progress"),
    ("runs.started", "开始时间", "Started"),
    ("runs.elapsed", "已用时间", "Elapsed"),
    ("runs.by", "发起人", "Requested by"),
    ("runs.cancel", "取消", "Cancel"),
    (
        "runs.cancel_asked",
        "已请求取消：任务将在下一步停止，不保存任何内容。",
        "Cancel requested: the run stops at its next step and keeps nothing.",
    ),
    ("runs.cancelled_note", "任务已取消：没有保存任何内容。", "The run was cancelled: nothing was kept."),
    (
        "runs.interrupted_note",
        "服务器在任务结束前停止：没有保存任何内容，请重新发起。",
        "The server stopped before the run ended: nothing was kept; start it again.",
    ),
    ("runs.failed_note", "任务失败，原因：", "The run failed:"),
    ("runs.result", "查看结果", "See the result"),
    ("runs.refreshing", "本页每秒自动刷新，直到任务结束。", "This page refreshes every second until the run ends."),
    ("runs.none", "暂无后台任务。", "No background runs yet."),
    ("runs.mine", "我的后台任务", "My background runs"),
    ("runs.seconds", "{s} 秒", "{s} s"),
    ("runs.minutes", "{m} 分 {s} 秒", "{m} min {s} s"),
    ("import.progress_uploading", "上传中", "Uploading"),
    ("import.progress_checking", "校验并写入中", "Checking and writing"),
    ("import.progress_failed", "上传中断，请重试", "The upload was interrupted; please try again"),
];
