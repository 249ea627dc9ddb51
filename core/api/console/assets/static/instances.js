// The instance list: DescribeInstanceRows (compact rows, the CLI's own
// listing) polled every second, so states change without a reload; rows
// are updated in place, so a selection and the focus survive a refresh.
"use strict";
(function () {
  const { api, el, link } = window.ec2x;

  // unescape undoes ec2.AppendRowField's escapes.
  function unescape(f) {
    return f.replace(/\\(.)/g, (_, c) => ({ t: "\t", n: "\n", r: "\r" })[c] || c);
  }

  function parse(text) {
    const rows = [];
    for (const line of text.split("\n")) {
      if (line === "") continue;
      rows.push(line.split("\t").map(unescape)); // id name type state az private public launched
    }
    return rows;
  }

  window.ec2x.pages.instances = async function () {
    const body = document.querySelector("#instances tbody");
    const filter = document.getElementById("filter");
    const all = document.getElementById("select-all");
    const count = document.getElementById("count");
    const selected = new Set();
    const trs = new Map(); // id -> tr
    let rows = [], sortCol = 0, sortDir = 1, first = true, lastText = null;

    function buttons() {
      for (const b of document.querySelectorAll("button[data-act]")) b.disabled = selected.size === 0;
    }

    function row(r) {
      const id = r[0];
      const box = el("input", { type: "checkbox", "aria-label": "Select " + id, onchange: (e) => {
        if (e.target.checked) selected.add(id); else selected.delete(id);
        buttons();
      } });
      box.checked = selected.has(id);
      const tr = el("tr", { "data-id": id },
        el("td", {}, box),
        el("td", {}, r[1]),
        el("td", {}, el("a", { href: link("/instances/" + id) }, id)),
        el("td", {}, el("span", { class: "state state-" + r[3] }, r[3])),
        el("td", {}, r[2]), el("td", {}, r[4]), el("td", {}, r[5]), el("td", {}, r[6]),
        el("td", {}, r[7] ? new Date(r[7]).toLocaleString() : ""));
      tr.dataset.key = r.join("\t");
      return tr;
    }

    function render() {
      const q = filter.value.trim().toLowerCase();
      let shown = q ? rows.filter((r) => r.some((f) => f.toLowerCase().includes(q))) : rows.slice();
      shown.sort((a, b) => sortDir * (a[sortCol] < b[sortCol] ? -1 : a[sortCol] > b[sortCol] ? 1 : 0));
      const frag = document.createDocumentFragment();
      const live = new Set();
      for (const r of shown) {
        let tr = trs.get(r[0]);
        if (!tr || tr.dataset.key !== r.join("\t")) {
          const fresh = row(r);
          if (tr && tr.contains(document.activeElement)) {
            // keep the focused control (its checkbox or link): update the
            // other cells in place
            for (let i = 1; i < fresh.children.length; i++) {
              if (!tr.children[i].contains(document.activeElement)) tr.children[i].replaceWith(fresh.children[i].cloneNode(true));
            }
            tr.dataset.key = fresh.dataset.key;
          } else tr = fresh;
          trs.set(r[0], tr);
        }
        live.add(r[0]);
        frag.append(tr);
      }
      for (const id of trs.keys()) if (!live.has(id)) trs.delete(id);
      body.replaceChildren(frag);
      count.textContent = `(${shown.length} of ${rows.length})`;
      document.body.dataset.rows = String(shown.length);
    }

    async function refresh() {
      const text = await window.ec2x.run(() => api("DescribeInstanceRows", {}));
      if (text === undefined || text === lastText) return;
      lastText = text;
      rows = parse(text);
      const ids = new Set(rows.map((r) => r[0]));
      for (const id of selected) if (!ids.has(id)) selected.delete(id);
      render();
      buttons();
      if (first) {
        first = false;
        // the time from the page's request to the list on screen
        document.body.dataset.renderedMs = String(Math.round(performance.now()));
      }
    }

    filter.addEventListener("input", render);
    all.addEventListener("change", () => {
      for (const tr of body.children) {
        const box = tr.querySelector("input[type=checkbox]");
        box.checked = all.checked;
        if (all.checked) selected.add(tr.dataset.id); else selected.delete(tr.dataset.id);
      }
      buttons();
    });
    for (const b of document.querySelectorAll("button.sort")) {
      b.addEventListener("click", () => {
        const col = Number(b.dataset.col);
        sortDir = col === sortCol ? -sortDir : 1;
        sortCol = col;
        for (const o of document.querySelectorAll("button.sort")) o.closest("th").removeAttribute("aria-sort");
        b.closest("th").setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
        render();
      });
    }
    window.ec2x.stateActions(() => [...selected], refresh);
    window.ec2x.every(1000, refresh);
  };
})();
