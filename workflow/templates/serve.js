"use strict";
// The units page of `workflow serve`. Every text from the workspace goes into the page as
// textContent or a form value, never as markup.
(function () {
  const main = document.getElementById("units");
  const lang = main.dataset.lang;
  const article = main.dataset.article;
  const template = document.getElementById("unit");
  const filters = document.getElementById("filters");
  const summary = document.getElementById("summary");
  let units = [];

  function api(path, options) {
    return fetch(path, Object.assign({ credentials: "same-origin", headers: { "Content-Type": "application/json" } },
                                     options || {}));
  }

  function showFindings(list, findings) {
    list.replaceChildren();
    for (const finding of findings) {
      const item = document.createElement("li");
      item.className = finding.severity;
      item.textContent = `${finding.severity} [${finding.check}] ${finding.message}` + (finding.silenced ? " (silenced)" : "");
      list.append(item);
    }
  }

  function fill(node, unit) {
    node.dataset.key = unit.key;
    node.dataset.revision = unit.revision;
    const state = node.querySelector(".state");
    state.textContent = unit.state;
    state.className = "state " + unit.state;
    node.querySelector(".confidence").textContent = unit.confidence === null ? "" : `confidence ${unit.confidence}`;
    node.querySelector(".provenance").textContent = unit.provenance;
    node.querySelector(".where").textContent = `line ${unit.line}`;
    const source = node.querySelector(".source");
    source.textContent = unit.source;
    source.lang = main.dataset.sourceLang;
    source.dir = main.dataset.sourceDir;
    const target = node.querySelector(".target");
    target.value = unit.target;
    target.lang = lang;
    target.dir = main.dataset.dir;
    node.querySelector(".comment").value = unit.comments;
    node.shownComments = unit.comments; // sent back only when the reviewer changes it (else all are kept)
    node.querySelector(".context").textContent = unit.context;
    showFindings(node.querySelector(".findings"), unit.findings);
  }

  function visible() {
    return Array.from(main.querySelectorAll(".unit"));
  }

  function move(from, step) {
    const all = visible();
    const next = all[all.indexOf(from) + step];
    if (next) {
      next.querySelector(".target").focus();
      next.scrollIntoView({ block: "center" });
    }
  }

  async function save(node, state) {
    const message = node.querySelector(".message");
    message.className = "message";
    message.textContent = "saving…";
    const body = {
      target: node.querySelector(".target").value,
      state: state,
      revision: node.dataset.revision,
    };
    const comment = node.querySelector(".comment").value;
    if (comment !== node.shownComments) body.comment = comment;
    const path = `/api/${encodeURIComponent(lang)}/units/${article.split("/").map(encodeURIComponent).join("/")}/${encodeURIComponent(node.dataset.key)}`;
    let response, answer;
    try {
      response = await api(path, { method: "POST", body: JSON.stringify(body) });
      answer = await response.json();
    } catch (error) { // the app unreachable, or an answer that is not JSON: say so, never stay at "saving…"
      message.className = "message error";
      message.textContent = response ? `not saved: error ${response.status}` : "not saved: the review app cannot be reached";
      return false;
    }
    if (response.ok) {
      units = units.map((unit) => (unit.key === answer.key ? answer : unit));
      fill(node, answer);
      message.textContent = "saved";
      return true;
    }
    message.className = "message error";
    if (response.status === 409 && answer.unit) {
      message.textContent = "changed meanwhile (in another window or a PO editor): reloaded; redo your edit";
      fill(node, answer.unit);
    } else if (response.status === 422 && answer.findings) {
      message.textContent = answer.error;
      showFindings(node.querySelector(".findings"), answer.findings.map((f) => Object.assign({ severity: "error" }, f)));
    } else {
      message.textContent = [answer.error || `error ${response.status}`, answer.where, answer.hint].filter(Boolean).join(" · ");
    }
    return false;
  }

  let typing = null;
  function checkAsTyped(node) {
    clearTimeout(typing);
    typing = setTimeout(async () => {
      const response = await api(`/api/${encodeURIComponent(lang)}/check`, {
        method: "POST",
        body: JSON.stringify({ article: article, key: node.dataset.key, target: node.querySelector(".target").value }),
      });
      if (response.ok) showFindings(node.querySelector(".findings"), await response.json());
    }, 300);
  }

  function render() {
    const data = new FormData(filters);
    const below = Number(data.get("confidence"));
    let shown = units.filter((unit) =>
      (!data.get("state") || unit.state === data.get("state")) &&
      (!data.get("check") || unit.findings.some((f) => f.check === data.get("check"))) &&
      (below > 100 || (unit.confidence !== null && unit.confidence < below)));
    if (data.get("sort")) {
      shown = shown.slice().sort((a, b) => (a.confidence === null ? 101 : a.confidence) - (b.confidence === null ? 101 : b.confidence));
    }
    const nodes = shown.map((unit) => {
      const node = template.content.firstElementChild.cloneNode(true);
      fill(node, unit);
      node.querySelector(".approve").addEventListener("click", () => save(node, "reviewed"));
      node.querySelector(".needs-work").addEventListener("click", () => save(node, "needs-work"));
      node.querySelector(".target").addEventListener("input", () => checkAsTyped(node));
      node.addEventListener("keydown", async (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          if (await save(node, event.shiftKey ? "needs-work" : "reviewed")) move(node, 1);
        } else if (event.altKey && event.key === "ArrowDown") {
          event.preventDefault();
          move(node, 1);
        } else if (event.altKey && event.key === "ArrowUp") {
          event.preventDefault();
          move(node, -1);
        }
      });
      return node;
    });
    main.replaceChildren(...nodes);
    summary.textContent = `${shown.length} of ${units.length} unit(s)`;
  }

  async function load() {
    const response = await api(`/api/${encodeURIComponent(lang)}/units?article=${encodeURIComponent(article)}`);
    units = await response.json();
    render();
    const first = main.querySelector(".target");
    if (first) first.focus();
  }

  filters.addEventListener("change", render);
  filters.addEventListener("submit", (event) => event.preventDefault());
  load();
})();
