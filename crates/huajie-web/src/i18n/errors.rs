//! The catalogue of error pages and refusals common to every page: key, Chinese, English.

pub const ERRORS: &[(&str, &str, &str)] = &[
    // A form's field naming a person who is not a user (a deal team).
    ("form.unknown_user", "不是本系统的用户名", "is not a user name of this system"),
    ("error.title", "出错了", "Something went wrong"),
    ("error.back", "返回首页", "Back to the start page"),
    ("error.unauthenticated", "请先登录。", "Please log in first."),
    ("error.forbidden_title", "无权访问", "Not allowed"),
    ("error.forbidden", "您的角色无权访问此页面或执行此操作。", "Your role may not open this page or do this."),
    ("error.not_found_title", "未找到", "Not found"),
    ("error.not_found", "您要找的内容不存在。", "What you asked for does not exist."),
    ("error.bad_request_title", "请求有误", "Bad request"),
    (
        "error.csrf",
        "表单已过期或来源不明，请刷新页面后重试。",
        "The form has expired or did not come from this site: reload the page and try again.",
    ),
    ("error.rate_limited_title", "尝试次数过多", "Too many attempts"),
    (
        "error.rate_limited",
        "登录失败次数过多，请 {minutes} 分钟后再试。",
        "Too many failed logins: try again in {minutes} minutes.",
    ),
    (
        "error.screening_limited",
        "受让方筛查过于频繁（每人每小时至多 {max} 次），请 {minutes} 分钟后再试。",
        "Too many transferee screenings (at most {max} an hour per user): try again in {minutes} minutes.",
    ),
    (
        "error.registration_limited",
        "本网络注册次数过多（每小时至多 {max} 次），请 {minutes} 分钟后再试。",
        "Too many registrations from this network (at most {max} an hour): try again in {minutes} minutes.",
    ),
    ("error.too_large_title", "内容过大", "Too large"),
    (
        "error.too_large",
        "提交的内容过大：上限为 {size}。请拆分文件后分批上传。",
        "What was sent is too large: the limit is {size}. Split the file and upload it in parts.",
    ),
    ("error.bad_form", "表单内容不完整或格式有误。", "The form is incomplete or malformed."),
    (
        "error.bad_upload",
        "上传的表单无法读取：须为完整的 multipart/form-data 表单，文件放在 file 字段。",
        "The upload cannot be read: send a whole multipart/form-data form with the file in the field file.",
    ),
    ("error.method_not_allowed_title", "不支持的请求方法", "Method not allowed"),
    (
        "error.method_not_allowed",
        "此地址不接受 {method} 请求；它接受的方法见响应头 Allow。",
        "This address does not take {method} requests; the Allow header lists those it takes.",
    ),
    ("error.rejected", "请求无法处理（HTTP {status}）。", "The request cannot be handled (HTTP {status})."),
    (
        "error.internal",
        "服务器内部错误，已记录。请稍后再试或联系管理员。",
        "Internal error (logged). Try again later or ask your administrator.",
    ),
    ("error.one_file", "此处一次只能上传一个文件。", "Only one file may be uploaded here at a time."),
];
