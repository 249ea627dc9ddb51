// Network interfaces: create in a subnet, delete.
"use strict";
(function () {
  const { api, el, run, link } = window.ec2x;
  const $ = (id) => document.getElementById(id);

  window.ec2x.pages.interfaces = async function () {
    const nets = await api("DescribeSubnets", {});
    for (const s of nets.Subnets || []) $("eni-subnet").append(el("option", { value: s.SubnetId }, `${s.SubnetId} (${s.AvailabilityZone})`));
    async function load() {
      const out = await api("DescribeNetworkInterfaces", {});
      document.querySelector("#interfaces tbody").replaceChildren(...(out.NetworkInterfaces || []).map((n) => {
        const pub = (n.PrivateIpAddresses || []).map((p) => p.Association && p.Association.PublicIp).filter(Boolean).join(", ");
        const inst = n.Attachment && n.Attachment.InstanceId;
        return el("tr", { "data-id": n.NetworkInterfaceId },
          el("td", {}, n.NetworkInterfaceId), el("td", {}, n.Status), el("td", {}, n.AvailabilityZone), el("td", {}, n.SubnetId),
          el("td", {}, n.PrivateIpAddress), el("td", {}, pub),
          el("td", {}, inst ? el("a", { href: link("/instances/" + inst) }, inst) : ""),
          el("td", {}, (n.Groups || []).map((g) => g.GroupName).join(", ")), el("td", {}, n.Description || ""),
          el("td", {}, n.Status === "available" ? el("button", { type: "button", class: "danger", onclick: () => run(async () => {
            await api("DeleteNetworkInterface", { NetworkInterfaceId: n.NetworkInterfaceId });
            window.ec2x.notice("Deleted " + n.NetworkInterfaceId);
            await load();
          }) }, "Delete") : ""));
      }));
    }
    $("create").addEventListener("submit", (e) => {
      e.preventDefault();
      run(async () => {
        const out = await api("CreateNetworkInterface", { SubnetId: $("eni-subnet").value, Description: $("eni-desc").value });
        window.ec2x.notice("Created " + out.NetworkInterface.NetworkInterfaceId);
        await load();
      });
    });
    await load();
  };
})();
