package qemu

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/ec2x/ec2x/hv"
)

var (
	_ hv.StatusChecker = (*Driver)(nil)
	_ hv.Screenshotter = (*Driver)(nil)
)

// bootGrace is how long after its process started a guest whose SSH
// server does not answer yet is "initializing" rather than impaired: TCG
// boots take a minute or two.
const bootGrace = 5 * time.Minute

// StatusCheck implements hv.StatusChecker. The system check asks QEMU
// whether the guest runs (a paused or panicked guest fails it); the
// instance check reads the guest's SSH banner through the forwarded port,
// the cheapest sign that its kernel, network and userland all work.
func (d *Driver) StatusCheck(ctx context.Context, id string) (hv.StatusReport, error) {
	d.mu.Lock()
	g, err := d.get(id)
	if err == nil && g.pid == 0 {
		err = fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	if err != nil {
		d.mu.Unlock()
		return hv.StatusReport{}, err
	}
	pid, sock, port := g.pid, g.path("qmp.sock"), g.SSHPort
	d.mu.Unlock()
	now := d.now()
	age, _ := d.procAge(pid)
	var rep hv.StatusReport
	if d.healthy(ctx, sock, pid) {
		rep.System.Reach = hv.ReachPassed
	} else {
		rep.System = hv.Check{Reach: hv.ReachFailed, Since: now}
	}
	switch {
	case sshAnswers(ctx, port):
		rep.Instance.Reach = hv.ReachPassed
	case age < bootGrace:
		rep.Instance.Reach = hv.ReachInitializing
	default:
		rep.Instance = hv.Check{Reach: hv.ReachFailed, Since: now.Add(bootGrace - age)}
	}
	return rep, nil
}

// sshAnswers reports whether an SSH server greets on the loopback port.
// QEMU's user network accepts the host side of a forward even when nothing
// listens in the guest, so only the banner proves the guest answers.
func sshAnswers(ctx context.Context, port int) bool {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var dl net.Dialer
	c, err := dl.DialContext(cctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && len(line) >= 4 && line[:4] == "SSH-"
}

// Screenshot implements hv.Screenshotter: QMP's screendump of the guest's
// VGA display (a PPM file) converted to JPEG, as EC2 returns.
func (d *Driver) Screenshot(ctx context.Context, id string) ([]byte, error) {
	d.mu.Lock()
	g, err := d.get(id)
	if err == nil && g.pid == 0 {
		err = fmt.Errorf("%w: %s is not running", hv.ErrInvalidState, id)
	}
	if err != nil {
		d.mu.Unlock()
		return nil, err
	}
	sock, file := g.path("qmp.sock"), g.path("screen.ppm")
	d.mu.Unlock()
	defer os.Remove(file)
	if err := qmp(ctx, sock, "screendump", map[string]any{"filename": file}, nil); err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	img, err := decodePPM(raw)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// decodePPM reads a binary PPM (P6, 8 bits a sample), what QEMU's
// screendump writes by default.
func decodePPM(b []byte) (image.Image, error) {
	var magic string
	var w, h, maxv int
	r := bytes.NewReader(b)
	if _, err := fmt.Fscan(r, &magic, &w, &h, &maxv); err != nil || magic != "P6" || maxv != 255 || w <= 0 || h <= 0 {
		return nil, fmt.Errorf("screendump: not an 8-bit P6 image (%q %dx%d max %d): %v", magic, w, h, maxv, err)
	}
	if _, err := r.ReadByte(); err != nil { // the one whitespace after the header
		return nil, fmt.Errorf("screendump: %w", err)
	}
	px := b[len(b)-r.Len():]
	if len(px) < 3*w*h {
		return nil, fmt.Errorf("screendump: %d bytes of pixels for %dx%d", len(px), w, h)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		img.Set(i%w, i/w, color.RGBA{px[3*i], px[3*i+1], px[3*i+2], 255})
	}
	return img, nil
}
