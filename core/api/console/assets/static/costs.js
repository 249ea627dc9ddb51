// Costs: the bill (by instance, type or purchase option), the cost
// comparison of on-demand, spot and reserved for the running fleet, and
// the spot price history per zone, each as a chart and a table.
"use strict";
(function () {
  const { api, el, run, money } = window.ec2x;
  const $ = (id) => document.getElementById(id);
  const day = 86400e3;

  window.ec2x.pages.costs = async function () {
    async function bill() {
      const until = new Date(), since = new Date(until.getTime() - Number($("bill-since").value) * day);
      const b = await api("Bill", { By: $("bill-by").value, Since: since.toISOString(), Until: until.toISOString() });
      $("bill-total").textContent = money(b.Total);
      const lines = b.Lines || [];
      $("bill").tBodies[0].replaceChildren(...lines.map((l) => el("tr", {},
        el("td", {}, l.Key), el("td", {}, l.Kind), el("td", {}, String(Math.round(l.Quantity * 1000) / 1000)), el("td", {}, l.Unit), el("td", {}, l.Amount.toFixed(6)))));
      // one bar per key, the kinds of a key added up
      const by = new Map();
      for (const l of lines) by.set(l.Key, (by.get(l.Key) || 0) + l.Amount);
      window.ec2x.barChart($("bill-chart"), { title: "Spent by " + $("bill-by").selectedOptions[0].textContent.toLowerCase(), bars: [...by].map(([label, value]) => ({ label, value })) });
    }
    async function compare() {
      const c = await api("CostCompare", { Hours: Number($("hours").value) || 730 });
      const sc = c.Scenarios || [];
      window.ec2x.barChart($("compare-chart"), { title: `The fleet (${c.Instances} instances) over ${c.Hours} hours`, bars: sc.map((s) => ({ label: s.Name, value: s.Cost })) });
      $("compare").tBodies[0].replaceChildren(...sc.map((s) => el("tr", {},
        el("td", {}, s.Name), el("td", {}, s.Cost.toFixed(2)), el("td", {}, s.SavingsPercent ? s.SavingsPercent.toFixed(1) + "%" : "–"), el("td", {}, s.Note || ""))));
      $("advice").replaceChildren(...(c.Recommendation || []).map((a) => el("li", {}, `${a.Count} × ${a.InstanceType}: ${a.Option} (${money(a.Hourly)}/hour): ${a.Why}`)));
    }
    async function spot() {
      const end = new Date(), start = new Date(end.getTime() - Number($("spot-days").value) * day);
      const out = await api("DescribeSpotPriceHistory", { InstanceTypes: [$("spot-type").value.trim()], StartTime: start.toISOString(), EndTime: end.toISOString() });
      const zones = new Map();
      for (const p of out.SpotPriceHistory || []) {
        if (!zones.has(p.AvailabilityZone)) zones.set(p.AvailabilityZone, []);
        zones.get(p.AvailabilityZone).push({ t: new Date(p.Timestamp), v: Number(p.SpotPrice) });
      }
      const series = [...zones].sort().map(([name, points]) => ({ name, points: points.sort((a, b) => a.t - b.t) }));
      window.ec2x.lineChart($("spot-chart"), { title: `Spot price of ${$("spot-type").value.trim()}`, unit: "USD/hour", series, from: start, to: end });
    }
    for (const [form, f] of [["bill-form", bill], ["compare-form", compare], ["spot-form", spot]]) {
      $(form).addEventListener("submit", (e) => { e.preventDefault(); run(f); });
    }
    await run(bill);
    await run(compare);
    await run(spot);
  };
})();
