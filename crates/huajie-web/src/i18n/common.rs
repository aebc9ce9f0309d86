//! The words every page shares: saving, filtering, paging, yes and no (key, Chinese, English).

pub const COMMON: &[(&str, &str, &str)] = &[
    ("common.save", "保存", "Save"),
    ("common.filter", "筛选", "Filter"),
    ("common.none", "无", "None"),
    ("common.prev", "上一页", "Previous"),
    ("common.next", "下一页", "Next"),
    ("common.pages", "分页", "Pages"),
    ("common.page_of", "第 {page} / {pages} 页", "Page {page} of {pages}"),
    ("common.total_rows", "共 {n} 条", "{n} in all"),
    ("common.yes", "是", "Yes"),
    ("common.no", "否", "No"),
    ("nav.menu", "菜单", "Menu"),
    ("common.sort", "排序", "Order"),
    ("common.sort_newest", "最新在前", "Newest first"),
    ("common.sort_pinyin", "按名称拼音", "By name (pinyin)"),
];
