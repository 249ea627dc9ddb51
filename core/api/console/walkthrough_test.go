package console_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserWalkthrough is EC2's walkthrough in the console, in one
// browser: launch through the wizard by keyboard alone with a new key
// pair and a new security group; watch pending become running without a
// reload; read the system log; see the monitoring charts' data points;
// stop, change the type, start; allocate an Elastic IP and associate it;
// see the bill and the cost chart; the other lists. Every page's controls
// are checked for labels, and each page is photographed.
func TestBrowserWalkthrough(t *testing.T) {
	tc := startConsole(t, consoleCfg, nil)
	ctx := newBrowser(t)
	dir := shotDir(t)
	do(t, ctx, "log in at the launch wizard", chromedp.Navigate(tc.login(t, "/launch")))
	waitJS(t, ctx, "the wizard's images", `document.querySelectorAll("input[name=image]").length > 0 && document.getElementById("type").options.length > 0`, 20*time.Second)
	checkLabels(t, ctx, "launch")
	shot(t, ctx, dir, "launch")

	// the wizard, from the keyboard only
	next := func(what string) {
		t.Helper()
		do(t, ctx, what, tabTo("#next"), press())
	}
	do(t, ctx, "name the instance", tabTo("#name"), typeKeys("web-1"))
	do(t, ctx, "add a tag", tabTo("#add-tag"), press(), typeKeys("team"), tabTo(".tag-value"), typeKeys("console"))
	next("to the image")
	// the first image is chosen; arrow keys would move within the group
	next("to the type")
	do(t, ctx, "choose t3.micro", tabTo("#type"), typeKeys("t3.micro"))
	if v := eval[string](t, ctx, `document.getElementById("type").value`); v != "t3.micro" {
		t.Fatalf("type %q after typing t3.micro", v)
	}
	if info := eval[string](t, ctx, `document.getElementById("type-info").textContent`); !strings.Contains(info, "2 vCPUs, 1 GiB memory") || !strings.Contains(info, "per hour") {
		t.Errorf("type info says %q", info)
	}
	next("to the key pair")
	do(t, ctx, "create a key pair", tabTo("#new-key-name"), typeKeys("console-key"), tabTo("#create-key"), press())
	waitJS(t, ctx, "the private key, shown once", `!document.getElementById("key-created").hidden && document.getElementById("key-material").value.includes("PRIVATE KEY")`, 20*time.Second)
	if v := eval[string](t, ctx, `document.getElementById("key").value + " " + document.getElementById("key-download").download`); v != "console-key console-key.pem" {
		t.Errorf("key pair chosen and its download: %q", v)
	}
	shot(t, ctx, dir, "launch-keypair")
	// a second key pair of that name: EC2's error, as EC2 words it
	do(t, ctx, "create it again", tabTo("#create-key"), press())
	waitJS(t, ctx, "EC2's error", `document.getElementById("error").textContent.startsWith("InvalidKeyPair.Duplicate: ")`, 20*time.Second)
	next("to the network")
	if v := eval[string](t, ctx, `document.getElementById("sg-name").value + " " + document.getElementById("sg-ssh").checked`); v != "launch-wizard-1 true" {
		t.Errorf("new group and SSH: %q", v)
	}
	next("to the storage")
	do(t, ctx, "a 10 GiB root volume", tabTo("#root-size"), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.ArrowUp))
	next("to the review")
	summary := eval[string](t, ctx, `document.getElementById("summary").textContent`)
	for _, want := range []string{"web-1", "t3.micro", "console-key", "launch-wizard-1, SSH (22) from 0.0.0.0/0", "10 GiB gp3"} {
		if !strings.Contains(summary, want) {
			t.Errorf("review lacks %q: %s", want, summary)
		}
	}
	shot(t, ctx, dir, "launch-review")
	do(t, ctx, "launch", tabTo("#launch-button"), press())
	waitJS(t, ctx, "the launch's result", `!document.getElementById("launch-result").hidden`, 30*time.Second)
	id := eval[string](t, ctx, `document.querySelector("a.launched").textContent`)
	if !strings.HasPrefix(id, "i-") {
		t.Fatalf("launched %q (error: %s)", id, pageError(ctx))
	}

	// what the wizard made, as the CLI sees it
	var groups struct {
		SecurityGroups []struct {
			GroupName     string
			IpPermissions []struct{ FromPort int }
		}
	}
	tc.call(t, "DescribeSecurityGroups", map[string]any{"Filters": []map[string]any{{"Name": "group-name", "Values": []string{"launch-wizard-1"}}}}, &groups)
	if len(groups.SecurityGroups) != 1 || len(groups.SecurityGroups[0].IpPermissions) != 1 || groups.SecurityGroups[0].IpPermissions[0].FromPort != 22 {
		t.Errorf("the wizard's group: %+v", groups)
	}
	var desc struct {
		Instances []struct {
			KeyName, InstanceType string
			SecurityGroups        []struct{ GroupName string }
		}
	}
	tc.call(t, "DescribeInstances", map[string]any{"InstanceIds": []string{id}}, &desc)
	if in := desc.Instances[0]; in.KeyName != "console-key" || in.InstanceType != "t3.micro" || len(in.SecurityGroups) != 1 || in.SecurityGroups[0].GroupName != "launch-wizard-1" {
		t.Errorf("the launched instance: %+v", in)
	}

	// pending, then running, in the list, without a reload
	do(t, ctx, "view the instances", tabTo("#view-instances"), press())
	row := fmt.Sprintf(`document.querySelector("tr[data-id='%s'] .state")`, id)
	waitJS(t, ctx, "the new instance pending", row+` && `+row+`.textContent === "pending"`, 10*time.Second)
	eval[bool](t, ctx, `window.sameDocument = true`)
	waitJS(t, ctx, "the new instance running", row+`.textContent === "running"`, 30*time.Second)
	if !eval[bool](t, ctx, `window.sameDocument === true`) {
		t.Error("the page reloaded")
	}
	checkLabels(t, ctx, "instances")
	shot(t, ctx, dir, "instances")

	// the instance's page: details, system log, monitoring
	do(t, ctx, "open the instance", chromedp.Click(chromedp.CSS(fmt.Sprintf("tr[data-id=%q] a", id))))
	waitJS(t, ctx, "its details", `document.getElementById("state").textContent === "running" && document.getElementById("details").textContent.includes("web-1")`, 20*time.Second)
	checkLabels(t, ctx, "instance")
	if !eval[bool](t, ctx, `JSON.parse(document.getElementById("raw").textContent).NetworkInterfaces.length === 1`) {
		t.Error("the details lack DescribeInstances' JSON")
	}
	shot(t, ctx, dir, "instance-details")
	do(t, ctx, "open the system log", chromedp.Click(chromedp.CSS("#tab-log")))
	waitJS(t, ctx, "the boot in the log", `document.getElementById("console-log").textContent.includes("cloud-init")`, 20*time.Second)
	shot(t, ctx, dir, "instance-log")
	do(t, ctx, "open monitoring", chromedp.Click(chromedp.CSS("#tab-monitoring")))
	waitJS(t, ctx, "a CPU chart with data points", `Number((document.getElementById("chart-CPUUtilization")||{dataset:{}}).dataset.points) > 0`, 40*time.Second)
	if n := eval[int](t, ctx, `document.querySelectorAll("#chart-CPUUtilization circle.point").length`); n < 1 {
		t.Errorf("%d points drawn", n)
	}
	do(t, ctx, "the 1 week range", chromedp.SetValue(chromedp.CSS("#range"), "604800"), chromedp.Evaluate[chromedp.Void](`document.getElementById("range").dispatchEvent(new Event("change"))`))
	waitJS(t, ctx, "a week's chart", `document.querySelector("#chart-NetworkIn svg[aria-label]") && Number(document.getElementById("chart-NetworkIn").dataset.points) > 0`, 20*time.Second)
	do(t, ctx, "back to 1 hour", chromedp.SetValue(chromedp.CSS("#range"), "3600"), chromedp.Evaluate[chromedp.Void](`document.getElementById("range").dispatchEvent(new Event("change"))`))
	waitJS(t, ctx, "an hour's chart", `Number(document.getElementById("chart-CPUUtilization").dataset.points) > 0`, 20*time.Second)
	shot(t, ctx, dir, "instance-monitoring")

	// the type changes only while stopped, as EC2 says
	do(t, ctx, "back to details", chromedp.Click(chromedp.CSS("#tab-details")))
	if code := eval[string](t, ctx, fmt.Sprintf(`ec2x.api("ModifyInstanceAttribute", {InstanceId: %q, InstanceType: {Value: "t3.small"}}).then(() => "ok", e => e.code)`, id)); code != "IncorrectInstanceState" {
		t.Errorf("changing a running instance's type: %q", code)
	}
	do(t, ctx, "stop", chromedp.Click(chromedp.CSS(`button[data-act=StopInstances]`)))
	waitJS(t, ctx, "the confirmation", `document.getElementById("confirm").open`, 5*time.Second)
	do(t, ctx, "confirm", chromedp.Click(chromedp.CSS("#confirm-ok")))
	waitJS(t, ctx, "stopped", `document.getElementById("state").textContent === "stopped" && !document.getElementById("change-type-button").disabled`, 30*time.Second)
	do(t, ctx, "choose t3.small", chromedp.SetValue(chromedp.CSS("#new-type"), "t3.small"), chromedp.Click(chromedp.CSS("#change-type-button")))
	waitJS(t, ctx, "the new type", `document.getElementById("details").textContent.includes("t3.small")`, 20*time.Second)
	do(t, ctx, "start", chromedp.Click(chromedp.CSS(`button[data-act=StartInstances]`)))
	waitJS(t, ctx, "running again", `document.getElementById("state").textContent === "running"`, 30*time.Second)
	tc.call(t, "DescribeInstances", map[string]any{"InstanceIds": []string{id}}, &desc)
	if desc.Instances[0].InstanceType != "t3.small" {
		t.Errorf("type after the change: %s", desc.Instances[0].InstanceType)
	}

	// an Elastic IP, allocated and associated from the networking tab
	do(t, ctx, "open networking", chromedp.Click(chromedp.CSS("#tab-networking")))
	waitJS(t, ctx, "its interface", `document.querySelectorAll("#enis tbody tr").length === 1`, 20*time.Second)
	do(t, ctx, "allocate", chromedp.Click(chromedp.CSS("#eip-allocate")))
	waitJS(t, ctx, "the new address to choose", `document.getElementById("eip-choose").value.startsWith("eipalloc-")`, 20*time.Second)
	ip := eval[string](t, ctx, `document.getElementById("eip-choose").selectedOptions[0].textContent.split(" ")[0]`)
	do(t, ctx, "associate", chromedp.Click(chromedp.CSS(`#eip-associate button[type=submit]`)))
	waitJS(t, ctx, "the address on the instance", fmt.Sprintf(`document.getElementById("eips").textContent.includes(%q) && document.getElementById("details").textContent.includes(%q)`, ip, ip), 20*time.Second)
	shot(t, ctx, dir, "instance-networking")

	// the lists
	for _, p := range []struct{ path, name, ready string }{
		{"/addresses", "addresses", fmt.Sprintf(`document.querySelector("#addresses tbody").textContent.includes(%q)`, id)},
		{"/interfaces", "interfaces", fmt.Sprintf(`document.querySelector("#interfaces tbody").textContent.includes(%q)`, id)},
		{"/security-groups", "groups", `document.querySelector("#groups tbody").textContent.includes("tcp 22 from 0.0.0.0/0")`},
	} {
		do(t, ctx, "open "+p.path, chromedp.Navigate(tc.url+p.path))
		waitJS(t, ctx, p.name, p.ready, 20*time.Second)
		checkLabels(t, ctx, p.name)
		shot(t, ctx, dir, p.name)
	}

	// the address disassociated and released from the Elastic IPs page
	do(t, ctx, "open /addresses", chromedp.Navigate(tc.url+"/addresses"))
	waitJS(t, ctx, "the associated address", fmt.Sprintf(`document.querySelector("#addresses tbody").textContent.includes(%q)`, id), 20*time.Second)
	do(t, ctx, "disassociate", chromedp.Click(chromedp.CSS("#addresses tbody button")))
	waitJS(t, ctx, "the address free", `document.querySelector("#addresses tbody td:nth-child(3)").textContent === "" && [...document.querySelectorAll("#addresses tbody button")].some(b => b.textContent === "Release")`, 20*time.Second)
	do(t, ctx, "release", chromedp.Click(chromedp.CSS("#addresses tbody button.danger")))
	waitJS(t, ctx, "no address left", fmt.Sprintf(`document.getElementById("notice").textContent === "Released %s" && document.querySelectorAll("#addresses tbody tr").length === 0`, ip), 20*time.Second)

	// a group and an interface made from their pages
	do(t, ctx, "open /security-groups", chromedp.Navigate(tc.url+"/security-groups"))
	waitJS(t, ctx, "the groups", `document.querySelectorAll("#groups tbody tr").length >= 2`, 20*time.Second)
	do(t, ctx, "create a group", tabTo("#group-name"), typeKeys("web-sg"), tabTo("#create button[type=submit]"), press())
	waitJS(t, ctx, "the new group", `document.querySelector("#groups tbody").textContent.includes("web-sg")`, 20*time.Second)
	do(t, ctx, "open /interfaces", chromedp.Navigate(tc.url+"/interfaces"))
	waitJS(t, ctx, "the subnets", `document.getElementById("eni-subnet").options.length > 0`, 20*time.Second)
	do(t, ctx, "create an interface", tabTo("#eni-desc"), typeKeys("spare"), press())
	waitJS(t, ctx, "the new interface, available", `[...document.querySelectorAll("#interfaces tbody tr")].some(r => r.textContent.includes("spare") && r.textContent.includes("available"))`, 20*time.Second)

	// costs: the bill (the instance ran), the comparison, spot history
	do(t, ctx, "open costs", chromedp.Navigate(tc.url+"/costs"))
	waitJS(t, ctx, "the bill and its chart", fmt.Sprintf(`document.getElementById("bill").textContent.includes(%q) && Number(document.getElementById("bill-chart").dataset.points) > 0`, id), 20*time.Second)
	waitJS(t, ctx, "the cost comparison chart", `Number(document.getElementById("compare-chart").dataset.points) >= 3`, 20*time.Second)
	waitJS(t, ctx, "the spot price chart", `Number(document.getElementById("spot-chart").dataset.points) > 0`, 20*time.Second)
	if total := eval[string](t, ctx, `document.getElementById("bill-total").textContent`); !strings.HasPrefix(total, "$") {
		t.Errorf("bill total %q", total)
	}
	do(t, ctx, "the bill by purchase option", chromedp.SetValue(chromedp.CSS("#bill-by"), "option"), chromedp.Click(chromedp.CSS("#bill-form button")))
	waitJS(t, ctx, "the on-demand line", `[...document.querySelectorAll("#bill tbody td:first-child")].some(td => td.textContent === "on-demand") && document.querySelector("#bill-chart svg").getAttribute("aria-label").startsWith("Spent by purchase option")`, 20*time.Second)
	checkLabels(t, ctx, "costs")
	shot(t, ctx, dir, "costs")
}
