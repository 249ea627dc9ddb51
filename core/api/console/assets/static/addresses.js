// Elastic IPs: allocate; associate with an instance, disassociate, release.
"use strict";
(function () {
  const { api, el, run, link } = window.ec2x;

  window.ec2x.pages.addresses = async function () {
    const tbody = document.querySelector("#addresses tbody");
    async function load() {
      const [out, rows] = await Promise.all([api("DescribeAddresses", {}), api("DescribeInstanceRows", {})]);
      // instances that can take an address: not terminated
      const insts = rows.split("\n").filter((l) => l).map((l) => l.split("\t")).filter((r) => r[3] !== "terminated" && r[3] !== "shutting-down");
      tbody.replaceChildren(...(out.Addresses || []).map((a) => {
        const acts = el("td", {});
        if (a.AssociationId) {
          acts.append(el("button", { type: "button", onclick: () => change("DisassociateAddress", { AssociationId: a.AssociationId }, "Disassociated " + a.PublicIp) }, "Disassociate"));
        } else {
          const sel = el("select", { id: "assoc-" + a.AllocationId, "aria-label": "Instance for " + a.PublicIp },
            ...insts.map((r) => el("option", { value: r[0] }, r[1] ? `${r[1]} (${r[0]})` : r[0])));
          acts.append(sel, " ",
            el("button", { type: "button", onclick: () => change("AssociateAddress", { AllocationId: a.AllocationId, InstanceId: sel.value }, "Associated " + a.PublicIp) }, "Associate"), " ",
            el("button", { type: "button", class: "danger", onclick: () => change("ReleaseAddress", { AllocationId: a.AllocationId }, "Released " + a.PublicIp) }, "Release"));
        }
        return el("tr", { "data-id": a.AllocationId },
          el("td", {}, a.PublicIp), el("td", {}, a.AllocationId),
          el("td", {}, a.InstanceId ? el("a", { href: link("/instances/" + a.InstanceId) }, a.InstanceId) : ""),
          el("td", {}, a.NetworkInterfaceId || ""), el("td", {}, a.PrivateIpAddress || ""), el("td", {}, a.AssociationId || ""), acts);
      }));
    }
    async function change(action, input, done) {
      await run(async () => { await api(action, input); window.ec2x.notice(done); await load(); });
    }
    document.getElementById("allocate").addEventListener("click", () => run(async () => {
      const a = await api("AllocateAddress", { Domain: "vpc" });
      window.ec2x.notice("Allocated " + a.PublicIp + " (" + a.AllocationId + ")");
      await load();
    }));
    await load();
  };
})();
