package qemu_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"strings"
	"testing"
	"time"

	"github.com/ec2x/ec2x/hv"
	"github.com/ec2x/ec2x/hv/qemu"
)

// A booted guest passes both status checks (QEMU runs it; its SSH server
// greets) and its screen comes back as a JPEG of the VGA display.
func TestStatusChecksAndScreenshot(t *testing.T) {
	h := harness(t)
	dir := t.TempDir()
	ctx := context.Background()
	d, err := hv.Open(ctx, qemu.Name, hv.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { killGuests(dir) })
	defer d.Close(ctx)
	s := h.Spec("i-00000000000000e71", 1)
	if err := d.Create(ctx, s); err != nil {
		t.Fatal(err)
	}
	if _, err := d.(hv.StatusChecker).StatusCheck(ctx, s.ID); err == nil {
		t.Fatal("StatusCheck of a stopped guest succeeded")
	}
	if err := d.Start(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		out, _ := d.Console(ctx, s.ID)
		if strings.Contains(string(out), "Cloud-init v.") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the guest did not finish booting:\n%s", out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	var rep hv.StatusReport
	for {
		rep, err = d.(hv.StatusChecker).StatusCheck(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Instance.Reach != hv.ReachInitializing || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if rep.System.Reach != hv.ReachPassed || rep.Instance.Reach != hv.ReachPassed {
		t.Fatalf("a booted guest: system %s, instance %s; want both passed", rep.System.Reach, rep.Instance.Reach)
	}
	img, err := d.(hv.Screenshotter).Screenshot(ctx, s.ID)
	if err != nil {
		t.Fatalf("Screenshot: %v", err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(img))
	if err != nil || cfg.Width < 320 || cfg.Height < 200 {
		t.Fatalf("screenshot is not a JPEG of a screen: %dx%d, %v", cfg.Width, cfg.Height, err)
	}
}
