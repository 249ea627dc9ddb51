// One instance: details (DescribeInstances) with the type change, the
// system log (GetConsoleOutput, followed while it grows), monitoring
// (GetMetricStatistics charts over EC2's ranges) and networking (its
// interfaces and Elastic IPs: allocate, associate, disassociate, release).
"use strict";
(function () {
  const { api, el, run } = window.ec2x;
  const $ = (id) => document.getElementById(id);
  const metrics = [
    ["CPUUtilization", "Average"], ["NetworkIn", "Sum"], ["NetworkOut", "Sum"],
    ["DiskReadBytes", "Sum"], ["DiskWriteBytes", "Sum"], ["MemoryUtilization", "Average"],
    ["StatusCheckFailed", "Maximum"], ["CPUCreditBalance", "Average"],
  ];

  window.ec2x.pages.instance = async function () {
    const id = window.ec2x.id;
    let inst = null, tab = "details";

    // tabs: arrow keys move between them, as ARIA's tab pattern says
    const tabs = [...document.querySelectorAll("[role=tab]")];
    function select(t) {
      for (const o of tabs) {
        const on = o === t;
        o.setAttribute("aria-selected", on ? "true" : "false");
        o.tabIndex = on ? 0 : -1;
        $(o.getAttribute("aria-controls")).hidden = !on;
      }
      tab = t.id.slice(4);
      refreshTab();
    }
    tabs.forEach((t, i) => {
      t.addEventListener("click", () => select(t));
      t.addEventListener("keydown", (e) => {
        const d = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
        if (!d) return;
        const next = tabs[(i + d + tabs.length) % tabs.length];
        next.focus();
        select(next);
      });
    });

    async function load() {
      const out = await api("DescribeInstances", { InstanceIds: [id] });
      inst = out.Instances[0];
      $("state").textContent = inst.State.Name;
      $("state").className = "state state-" + inst.State.Name;
      $("new-type").disabled = inst.State.Name !== "stopped";
      $("change-type-button").disabled = inst.State.Name !== "stopped";
      if (!$("new-type").matches(":focus")) $("new-type").value = inst.InstanceType;
      details();
    }

    function details() {
      const name = window.ec2x.tag(inst.Tags, "Name");
      const rows = [
        ["Instance ID", inst.InstanceId], ["Name", name], ["State", inst.State.Name], ["Instance type", inst.InstanceType],
        ["Image", inst.ImageId], ["Key pair", inst.KeyName], ["Launch time", inst.LaunchTime],
        ["Availability zone", inst.Placement && inst.Placement.AvailabilityZone], ["Host", inst.Placement && inst.Placement.HostId],
        ["Private IP", inst.PrivateIpAddress], ["Public IP", inst.PublicIpAddress], ["VPC", inst.VpcId], ["Subnet", inst.SubnetId],
        ["Security groups", (inst.SecurityGroups || []).map((g) => `${g.GroupName} (${g.GroupId})`).join(", ")],
        ["Architecture", inst.Architecture], ["Hypervisor", inst.Hypervisor],
        ["Lifecycle", inst.InstanceLifecycle || "on-demand"], ["State reason", inst.StateReason && inst.StateReason.Message],
        ["Tags", (inst.Tags || []).map((t) => `${t.Key}=${t.Value}`).join(", ")],
      ];
      $("details").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v === undefined || v === "" ? "–" : String(v))]));
      const raw = JSON.stringify(inst, null, 2);
      if ($("raw").textContent !== raw) $("raw").textContent = raw;
    }

    // change the type: EC2 refuses it unless the instance is stopped, and
    // says so (IncorrectInstanceState) if the page is out of date
    $("change-type").addEventListener("submit", (e) => {
      e.preventDefault();
      run(async () => {
        await api("ModifyInstanceAttribute", { InstanceId: id, InstanceType: { Value: $("new-type").value } });
        window.ec2x.notice("Instance type changed to " + $("new-type").value);
        await load();
      });
    });

    async function log() {
      const out = await api("GetConsoleOutput", { InstanceId: id, Latest: true });
      const pre = $("console-log");
      const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
      if (pre.textContent !== out.Output) {
        pre.textContent = out.Output || "(no output yet)";
        if (atEnd) pre.scrollTop = pre.scrollHeight;
      }
    }

    let chartGen = 0;
    async function charts() {
      // a later call (a new range) wins over one still drawing
      const gen = ++chartGen;
      const span = Number($("range").value), end = new Date(), start = new Date(end.getTime() - span * 1000);
      // about 60 points a chart, in whole minutes as CloudWatch's periods
      const period = Math.max(60, Math.round(span / 60 / 60) * 60);
      const box = $("charts");
      const burstable = inst && /^t\d/.test(inst.InstanceType);
      for (const [m, stat] of metrics) {
        if (m === "CPUCreditBalance" && !burstable) continue;
        let fig = box.querySelector(`[data-metric=${m}]`);
        if (!fig) {
          fig = el("figure", { "data-metric": m }, el("div", { class: "chart", id: "chart-" + m }));
          box.append(fig);
        }
        if (gen !== chartGen) return;
        const out = await api("GetMetricStatistics", {
          Namespace: "AWS/EC2", MetricName: m, Dimensions: [{ Name: "InstanceId", Value: id }],
          StartTime: start.toISOString(), EndTime: end.toISOString(), Period: period, Statistics: [stat],
        });
        if (gen !== chartGen) return;
        const pts = (out.Datapoints || []).map((d) => ({ t: new Date(d.Timestamp), v: d[stat] }));
        const unit = (out.Datapoints && out.Datapoints[0] && out.Datapoints[0].Unit) || "";
        window.ec2x.lineChart(fig.firstChild, { title: `${m} (${stat})`, unit, series: [{ name: m, points: pts }], from: start, to: end });
      }
    }
    $("range").addEventListener("change", () => run(charts));

    async function networking() {
      const enis = (inst && inst.NetworkInterfaces) || [];
      $("enis").tBodies[0].replaceChildren(...enis.map((n) => el("tr", {},
        el("td", {}, n.NetworkInterfaceId), el("td", {}, String(n.Attachment ? n.Attachment.DeviceIndex : "")),
        el("td", {}, n.SubnetId || ""), el("td", {}, n.PrivateIpAddress || ""), el("td", {}, (n.Association && n.Association.PublicIp) || ""))));
      const out = await api("DescribeAddresses", {});
      const mine = (out.Addresses || []).filter((a) => a.InstanceId === id);
      const free = (out.Addresses || []).filter((a) => !a.AssociationId);
      const sel = $("eip-choose"), was = sel.value;
      sel.replaceChildren(...free.map((a) => el("option", { value: a.AllocationId, selected: a.AllocationId === was }, `${a.PublicIp} (${a.AllocationId})`)));
      $("eips").tBodies[0].replaceChildren(...mine.map((a) => el("tr", {},
        el("td", {}, a.PublicIp), el("td", {}, a.AllocationId), el("td", {}, a.AssociationId || ""),
        el("td", {},
          el("button", { type: "button", onclick: () => change("DisassociateAddress", { AssociationId: a.AssociationId }, "Disassociated " + a.PublicIp) }, "Disassociate"), " ",
          el("button", { type: "button", class: "danger", onclick: () => change("ReleaseAddress", { AllocationId: a.AllocationId }, "Released " + a.PublicIp) }, "Release")))));
    }
    async function change(action, input, done) {
      await run(async () => { await api(action, input); window.ec2x.notice(done); await load(); await networking(); });
    }
    $("eip-allocate").addEventListener("click", () => run(async () => {
      const a = await api("AllocateAddress", { Domain: "vpc" });
      window.ec2x.notice("Allocated " + a.PublicIp + " (" + a.AllocationId + ")");
      await networking();
      $("eip-choose").value = a.AllocationId;
    }));
    $("eip-associate").addEventListener("submit", (e) => {
      e.preventDefault();
      if (!$("eip-choose").value) { window.ec2x.showError("Allocate an Elastic IP first."); return; }
      change("AssociateAddress", { AllocationId: $("eip-choose").value, InstanceId: id }, "Associated " + $("eip-choose").selectedOptions[0].textContent);
    });

    async function refreshTab() {
      await run(async () => {
        if (tab === "log") await log();
        else if (tab === "monitoring") await charts();
        else if (tab === "networking") await networking();
      });
    }

    const types = await api("DescribeInstanceTypes", {});
    const names = (types.InstanceTypes || []).map((t) => t.InstanceType).sort();
    $("new-type").replaceChildren(...names.map((n) => el("option", { value: n }, n)));
    window.ec2x.stateActions(() => [id], () => run(load));
    // the state and details every second; the log every second while
    // followed; charts every 5 seconds
    let ticks = 0;
    window.ec2x.every(1000, async () => {
      await run(load);
      ticks++;
      if (tab === "log" && $("follow").checked) await run(log);
      if (tab === "monitoring" && ticks % 5 === 0) await run(charts);
    });
  };
})();
