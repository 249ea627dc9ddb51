// Security groups: create one (SSH open if asked), delete.
"use strict";
(function () {
  const { api, el, run } = window.ec2x;
  const $ = (id) => document.getElementById(id);

  function rules(perms) {
    return (perms || []).map((p) => {
      const port = p.IpProtocol === "-1" ? "all" : p.FromPort === p.ToPort ? String(p.FromPort) : `${p.FromPort}-${p.ToPort}`;
      const from = [...(p.IpRanges || []).map((r) => r.CidrIp), ...(p.UserIdGroupPairs || []).map((g) => g.GroupId)].join(" ");
      return `${p.IpProtocol === "-1" ? "all" : p.IpProtocol} ${port} from ${from}`;
    }).join("; ");
  }

  window.ec2x.pages.groups = async function () {
    async function load() {
      const out = await api("DescribeSecurityGroups", {});
      document.querySelector("#groups tbody").replaceChildren(...(out.SecurityGroups || []).map((g) => el("tr", { "data-id": g.GroupId },
        el("td", {}, g.GroupId), el("td", {}, g.GroupName), el("td", {}, g.VpcId), el("td", {}, g.Description),
        el("td", {}, rules(g.IpPermissions)),
        el("td", {}, g.GroupName === "default" ? "" : el("button", { type: "button", class: "danger", onclick: () => run(async () => {
          await api("DeleteSecurityGroup", { GroupId: g.GroupId });
          window.ec2x.notice("Deleted " + g.GroupName);
          await load();
        }) }, "Delete")))));
    }
    $("create").addEventListener("submit", (e) => {
      e.preventDefault();
      run(async () => {
        const name = $("group-name").value.trim();
        const g = await api("CreateSecurityGroup", { GroupName: name, Description: $("group-desc").value.trim() || name });
        if ($("group-ssh").checked) {
          await api("AuthorizeSecurityGroupIngress", { GroupId: g.GroupId, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: $("group-cidr").value.trim() }] }] });
        }
        window.ec2x.notice("Created " + name + " (" + g.GroupId + ")");
        await load();
      });
    });
    await load();
  };
})();
