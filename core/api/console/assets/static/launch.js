// The launch wizard, EC2's walkthrough step 1: name and tags, image,
// instance type, key pair (made here, its private key shown once), network
// and firewall (a new group with SSH open), storage, review, launch. Each
// step is a section of one form; Next and Back move between them and put
// the focus on the step's heading, so the wizard works from the keyboard.
"use strict";
(function () {
  const { api, el, link, run } = window.ec2x;
  const $ = (id) => document.getElementById(id);

  window.ec2x.pages.launch = async function () {
    const steps = [...document.querySelectorAll("section.step")];
    let step = 0, images = [], types = [], subnets = [];

    function show(i) {
      step = Math.max(0, Math.min(steps.length - 1, i));
      steps.forEach((s, j) => { s.hidden = j !== step; });
      for (const li of document.querySelectorAll("#steps li")) {
        if (Number(li.dataset.step) === step) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
      }
      $("back").disabled = step === 0;
      $("next").hidden = step === steps.length - 1;
      if (step === steps.length - 1) review();
      steps[step].querySelector("h2").focus();
    }
    $("next").addEventListener("click", () => show(step + 1));
    $("back").addEventListener("click", () => show(step - 1));

    // tags
    let tagN = 0;
    $("add-tag").addEventListener("click", () => {
      const n = ++tagN;
      const k = el("input", { id: "tag-key-" + n, class: "tag-key", autocomplete: "off" });
      const v = el("input", { id: "tag-value-" + n, class: "tag-value", autocomplete: "off" });
      const row = el("p", { class: "tag" },
        el("label", { for: k.id }, "Tag key"), " ", k, " ",
        el("label", { for: v.id }, "Tag value"), " ", v, " ",
        el("button", { type: "button", onclick: () => row.remove(), "aria-label": "Remove tag " + n }, "Remove"));
      $("tags").append(row);
      k.focus();
    });

    const [imgs, tys, keys, nets, groups] = await Promise.all([
      api("DescribeImages", {}), api("DescribeInstanceTypes", {}), api("DescribeKeyPairs", {}),
      api("DescribeSubnets", {}), api("DescribeSecurityGroups", {}),
    ]);
    images = imgs.Images || [];
    types = (tys.InstanceTypes || []).slice().sort((a, b) => a.InstanceType < b.InstanceType ? -1 : 1);
    subnets = nets.Subnets || [];

    // images: radios, the first chosen
    const box = $("images");
    images.forEach((im, i) => {
      const id = "image-" + i;
      const r = el("input", { type: "radio", name: "image", id, value: im.ImageId, checked: i === 0 });
      r.addEventListener("change", fillTypes);
      box.append(el("p", {}, r, " ", el("label", { for: id }, `${im.Name} (${im.ImageId}, ${im.Architecture})`),
        im.Description ? el("span", { class: "hint" }, " " + im.Description) : null));
    });
    const image = () => images.find((im) => im.ImageId === (document.querySelector("input[name=image]:checked") || {}).value);

    // types fitting the image's architecture, with vCPUs, memory and price
    function fillTypes() {
      const im = image(), sel = $("type"), was = sel.value || "t3.micro";
      sel.replaceChildren();
      for (const t of types) {
        const archs = (t.ProcessorInfo && t.ProcessorInfo.SupportedArchitectures) || [];
        if (im && archs.length && !archs.includes(im.Architecture)) continue;
        const gib = t.MemoryInfo.SizeInMiB / 1024;
        const price = t.OnDemandPricePerHour ? `$${t.OnDemandPricePerHour}/hour` : "no price";
        sel.append(el("option", { value: t.InstanceType, selected: t.InstanceType === was },
          `${t.InstanceType} · ${t.VCpuInfo.DefaultVCpus} vCPU · ${gib} GiB · ${price}`));
      }
      typeInfo();
    }
    function typeInfo() {
      const t = types.find((t) => t.InstanceType === $("type").value);
      $("type-info").textContent = t ? `${t.VCpuInfo.DefaultVCpus} vCPUs, ${t.MemoryInfo.SizeInMiB / 1024} GiB memory, ` +
        `${t.NetworkInfo.NetworkPerformance} network, on-demand ${t.OnDemandPricePerHour ? "$" + t.OnDemandPricePerHour + " per hour" : "not priced"}` : "";
    }
    $("type").addEventListener("change", typeInfo);
    fillTypes();

    // key pairs
    for (const k of keys.KeyPairs || []) $("key").append(el("option", { value: k.KeyName }, k.KeyName));
    $("create-key").addEventListener("click", () => run(async () => {
      const out = await api("CreateKeyPair", { KeyName: $("new-key-name").value.trim(), KeyType: $("new-key-type").value });
      $("key").append(el("option", { value: out.KeyName }, out.KeyName));
      $("key").value = out.KeyName;
      $("key-material").value = out.KeyMaterial;
      const a = $("key-download");
      a.href = URL.createObjectURL(new Blob([out.KeyMaterial], { type: "application/x-pem-file" }));
      a.download = out.KeyName + ".pem";
      a.textContent = "Download " + out.KeyName + ".pem";
      $("key-created").hidden = false;
      window.ec2x.notice("Created key pair " + out.KeyName + " (" + out.KeyFingerprint + ")");
      a.focus();
    }));

    // network
    for (const s of subnets) {
      $("subnet").append(el("option", { value: s.SubnetId, selected: s.DefaultForAz && !$("subnet").value }, `${s.SubnetId} (${s.AvailabilityZone}, ${s.CidrBlock})`));
    }
    const allGroups = groups.SecurityGroups || [];
    for (const g of allGroups) $("sg-existing").append(el("option", { value: g.GroupId }, `${g.GroupName} (${g.GroupId})`));
    let n = 1;
    while (allGroups.some((g) => g.GroupName === "launch-wizard-" + n)) n++;
    $("sg-name").value = "launch-wizard-" + n;
    for (const r of document.querySelectorAll("input[name=sg-mode]")) {
      r.addEventListener("change", () => { $("sg-new").hidden = !$("sg-mode-new").checked; $("sg-old").hidden = $("sg-mode-new").checked; });
    }

    function summary() {
      const im = image() || {};
      const sgs = $("sg-mode-new").checked
        ? `new group ${$("sg-name").value}` + ($("sg-ssh").checked ? `, SSH (22) from ${$("sg-cidr").value}` : ", no inbound rules")
        : [...$("sg-existing").selectedOptions].map((o) => o.textContent).join(", ") || "the default group";
      return [
        ["Name", $("name").value || "(none)"],
        ["Image", `${im.Name || ""} (${im.ImageId || "none"})`],
        ["Instance type", $("type").value],
        ["Key pair", $("key").value || "none"],
        ["Subnet", $("subnet").value],
        ["Security groups", sgs],
        ["Storage", `${$("root-size").value} GiB ${$("root-type").value}` + (Number($("extra-size").value) > 0 ? ` + ${$("extra-size").value} GiB gp3` : "")],
      ];
    }
    function review() {
      $("summary").replaceChildren(...summary().flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    }

    $("wizard").addEventListener("submit", (e) => {
      e.preventDefault();
      if (step !== steps.length - 1) { show(step + 1); return; }
      run(launch);
    });

    async function launch() {
      const im = image();
      const subnet = subnets.find((s) => s.SubnetId === $("subnet").value);
      let groupIds = [...$("sg-existing").selectedOptions].map((o) => o.value);
      if ($("sg-mode-new").checked) {
        const g = await api("CreateSecurityGroup", { GroupName: $("sg-name").value.trim(), Description: "launch-wizard created by the ec2x console", VpcId: subnet ? subnet.VpcId : "" });
        if ($("sg-ssh").checked) {
          await api("AuthorizeSecurityGroupIngress", { GroupId: g.GroupId, IpPermissions: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: $("sg-cidr").value.trim() }] }] });
        }
        groupIds = [g.GroupId];
      }
      const tags = [];
      if ($("name").value.trim()) tags.push({ Key: "Name", Value: $("name").value.trim() });
      for (const p of document.querySelectorAll("#tags p.tag")) {
        const k = p.querySelector(".tag-key").value.trim();
        if (k) tags.push({ Key: k, Value: p.querySelector(".tag-value").value });
      }
      const bdm = [{ DeviceName: (im && im.RootDeviceName) || "/dev/xvda", Ebs: { VolumeSize: Number($("root-size").value), VolumeType: $("root-type").value } }];
      if (Number($("extra-size").value) > 0) bdm.push({ DeviceName: "/dev/sdf", Ebs: { VolumeSize: Number($("extra-size").value), VolumeType: "gp3" } });
      const count = Math.max(1, Number($("count").value) || 1);
      const input = {
        ImageId: im ? im.ImageId : undefined, InstanceType: $("type").value, MinCount: count, MaxCount: count,
        KeyName: $("key").value || undefined, SubnetId: $("subnet").value || undefined,
        SecurityGroupIds: groupIds.length ? groupIds : undefined, BlockDeviceMappings: bdm,
        TagSpecifications: tags.length ? [{ ResourceType: "instance", Tags: tags }] : undefined,
      };
      const out = await api("RunInstances", input);
      const res = $("launch-result");
      res.replaceChildren(el("p", {}, "Launched: "),
        el("ul", {}, ...out.Instances.map((i) => el("li", {}, el("a", { href: link("/instances/" + i.InstanceId), class: "launched" }, i.InstanceId), " " + i.State.Name))),
        el("p", {}, el("a", { href: link("/instances"), id: "view-instances" }, "View all instances")));
      res.hidden = false;
      $("wizard").hidden = true;
      $("view-instances").focus();
    }

    show(0);
  };
})();
