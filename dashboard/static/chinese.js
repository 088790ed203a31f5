// The English of Streamlit's and Plotly's own widgets, in Chinese (Streamlit 1.50 has no locale option,
// streamlit/streamlit#13500; a CSS ::after cannot reach tooltips, menus and placeholders). Loaded once
// per browser tab from a component frame of the same origin: it watches the page and rewrites these
// constant texts (in text, aria-label, title, placeholder and Plotly's data-title), never data.
// It also clicks, once, a download button whose key ends in "_autodl": an export built on request then
// downloads with the one click that asked for it.
(function () {
  const root = window.parent;
  if (!root || root.__jixiaoChinese) { return; }
  root.__jixiaoChinese = true;
  const doc = root.document;
  const EXACT = {
    // data grid toolbar and menus
    "Download as CSV": "下载为 CSV", "Search": "搜索", "Fullscreen": "全屏", "Close fullscreen": "退出全屏",
    "Show/hide columns": "显示/隐藏列", "Select all": "全选", "(index)": "（行号）", "Type to search": "输入文字搜索",
    "Close Search": "关闭搜索", "Next Result": "下一个", "Previous Result": "上一个", "Clear selection": "清除选择",
    "Sort ascending": "升序排列", "Sort descending": "降序排列", "Pin column": "固定此列", "Unpin column": "取消固定",
    "Hide column": "隐藏此列", "Autosize": "自动列宽", "Format": "数字格式", "Automatic": "自动", "Localized": "本地格式",
    "Plain": "原样", "Compact": "紧凑", "Percent": "百分比", "Scientific": "科学计数", "Accounting": "会计",
    "Dollar": "美元", "Euro": "欧元", "Yen": "日元", "Calendar": "日历", "Distance": "距离",
    "Copy column name": "复制列名", "Dataframe column menu": "列菜单", "Rename": "重命名", "Add row": "添加行",
    "Delete row(s)": "删除行", "Copy to clipboard": "复制", "No results": "没有结果",
    // file uploader
    "Drag and drop files here": "把文件拖到这里", "Drag and drop file here": "把文件拖到这里",
    "Browse files": "选择文件", "Upload": "上传", "Remove": "删除",
    // Plotly's mode bar (data-title tooltips)
    "Download plot as a PNG": "下载为 PNG 图片", "Download plot": "下载图片", "Zoom": "缩放", "Pan": "平移",
    "Box Select": "框选", "Lasso Select": "套索选择", "Zoom in": "放大", "Zoom out": "缩小",
    "Autoscale": "自动缩放", "Reset axes": "还原坐标轴", "Reset view": "还原视图", "Toggle Spike Lines": "显示参考线",
    "Show closest data on hover": "悬停显示最近的数据", "Compare data on hover": "悬停比较数据",
    "Produced with Plotly.js": "由 Plotly.js 绘制", "Double-click to zoom back out": "双击还原",
    "Toggle show closest data on hover": "切换悬停显示",
    // status
    "Running...": "正在运行…", "Stop": "停止", "Rerun": "重新运行", "Connecting": "正在连接",
  };
  const PATTERNS = [
    [/^Showing page (\d+) of (\d+)$/, "第 $1 页，共 $2 页"],
    [/^(.*) files are not allowed\.$/, "不支持这种文件类型"],
    [/^File must be (.*) or smaller\.$/, "文件必须不超过 $1"],
    [/^Limit (\S+) per file(.*)$/, "每个文件不超过 $1"],
    [/^Remove (.+)$/, "删除 $1"],
  ];
  const ATTRS = ["aria-label", "title", "placeholder", "data-title"];

  function say(text) {
    if (!text) { return null; }
    const t = text.trim();
    if (Object.prototype.hasOwnProperty.call(EXACT, t)) { return text.replace(t, EXACT[t]); }
    for (const [re, to] of PATTERNS) {
      if (re.test(t)) { return t.replace(re, to); }
    }
    return null;
  }

  function fixNode(node) {
    if (node.nodeType === 3) {
      const to = say(node.nodeValue);
      if (to !== null && to !== node.nodeValue) { node.nodeValue = to; }
      return;
    }
    if (node.nodeType !== 1) { return; }
    for (const a of ATTRS) {
      const v = node.getAttribute && node.getAttribute(a);
      const to = say(v);
      if (to !== null && to !== v) { node.setAttribute(a, to); }
    }
    const walker = doc.createTreeWalker(node, 5 /* elements and text */);
    let n = walker.nextNode();
    while (n) {
      if (n.nodeType === 3) {
        const to = say(n.nodeValue);
        if (to !== null && to !== n.nodeValue) { n.nodeValue = to; }
      } else {
        for (const a of ATTRS) {
          const v = n.getAttribute(a);
          const to = say(v);
          if (to !== null && to !== v) { n.setAttribute(a, to); }
        }
      }
      n = walker.nextNode();
    }
  }

  const clicked = new Set();
  function autoDownload() {
    for (const box of doc.querySelectorAll("[class*='_autodl']")) {
      const button = box.querySelector("button");
      const id = Array.from(box.classList).find((c) => c.endsWith("_autodl"));
      const stamp = id + "|" + (box.getAttribute("data-stamp") || box.textContent);
      if (button && !clicked.has(stamp)) {
        clicked.add(stamp);
        button.click();
      }
    }
  }

  let pending = false;
  const observer = new root.MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") { fixNode(r.target); }
      else if (r.type === "attributes") { fixNode(r.target); }
      else { r.addedNodes.forEach(fixNode); }
    }
    if (!pending) {
      pending = true;
      root.requestAnimationFrame(() => { pending = false; autoDownload(); });
    }
  });
  observer.observe(doc.body, { subtree: true, childList: true, characterData: true, attributes: true,
                               attributeFilter: ATTRS });
  fixNode(doc.body);
  // chinese.css keeps the grid toolbar and Plotly's mode bar hidden until this class is set: before this
  // script has run (its frame loads after the page), they would show their English
  doc.documentElement.classList.add("jixiao-zh");
  autoDownload();
})();
