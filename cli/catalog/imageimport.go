package catalog

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// imageName is what `images import` accepts as a name (a TOML bare key).
var imageName = configs.LazyRegexpOf(`^[a-z0-9][a-z0-9._-]{0,63}$`)

var imagesImportCommand = &cli.Command{
	Name:      "import",
	Usage:     "register a cloud image (a qcow2 or raw disk, a kernel and initrd, or both) for the qemu driver",
	ArgsUsage: "NAME [FILE]",
	Description: "Registers FILE (a qcow2 or raw cloud image: Debian's and Ubuntu's work as they come),\n" +
		"--kernel/--initrd, or both (a distro kernel and initrd booting FILE as the root disk,\n" +
		"with no boot loader) under NAME, with an ami- ID in every region, by adding it to\n" +
		"$EC2X_HOME/config.toml. FILE must be a disk image: qcow2, or raw with a partition\n" +
		"table (MBR, GPT) or a filesystem (ext2/3/4, XFS, btrfs). Guests get a copy-on-write\n" +
		"overlay; the files must stay where they are.",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "user", Value: "ec2-user", Usage: "the image's default SSH user"},
		&cli.StringFlag{Name: "arch", Value: "x86_64", Usage: "architecture"},
		&cli.StringFlag{Name: "kernel", Usage: "boot this kernel instead of a disk's boot loader"},
		&cli.StringFlag{Name: "initrd", Usage: "with --kernel: its initramfs"},
		&cli.StringFlag{Name: "kernel-args", Usage: "with --kernel: its command line after console=ttyS0 (default with a disk: root=/dev/vda1, or root=/dev/vda for a disk that is one filesystem)"},
		&cli.StringFlag{Name: "description", Usage: "what the image is"},
	},
	Action: imagesImport,
}

func imagesImport(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 2, "image name")
	if err != nil {
		return err
	}
	name := args[0]
	if !imageName.MatchString(name) {
		return command.Usagef("image name %q: use lower-case letters, digits, '.', '_' and '-'", name)
	}
	if e.Config.Images[name] != nil {
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "an image called %s already exists", name)
	}
	if c.String("arch") != "x86_64" {
		return command.Usagef("--arch %s: the qemu driver runs x86_64 guests", c.String("arch"))
	}
	img, err := importFiles(c, args)
	if err != nil {
		return err
	}
	size, err := checkFiles(c, img)
	if err != nil {
		return err
	}
	ids := map[string]string{}
	for _, r := range e.Config.RegionNames() {
		ids[r] = newAMI()
	}
	desc := c.String("description")
	if desc == "" {
		desc = "imported from " + filepath.Base(cmp.Or(img["disk"], img["kernel"]))
	}
	entry := imageEntry(name, desc, c.String("arch"), c.String("user"), size, img, ids)
	if err := appendConfig(e.Home, entry); err != nil {
		return err
	}
	return printImage(c, e, ids[e.Region], name)
}

// importFiles is the files an import names, by role ("disk", "kernel",
// "initrd"), as absolute paths: a disk, or a kernel with an optional
// initrd, each of which must be a regular file. Guests use them where they
// are, so the paths must not depend on the directory ec2x is run from.
func importFiles(c *cli.Context, args []string) (map[string]string, error) {
	img := map[string]string{}
	if len(args) == 2 {
		img["disk"] = args[1]
	}
	for _, f := range []string{"kernel", "initrd"} {
		if v := c.String(f); v != "" {
			img[f] = v
		}
	}
	if img["disk"] == "" && img["kernel"] == "" {
		return nil, command.Usagef("give a disk FILE, --kernel (with an optional --initrd), or both")
	}
	if img["initrd"] != "" && img["kernel"] == "" {
		return nil, command.Usagef("--initrd goes with --kernel")
	}
	if c.IsSet("kernel-args") && img["kernel"] == "" {
		return nil, command.Usagef("--kernel-args goes with --kernel")
	}
	for k, p := range img {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, command.Usagef("%s: %v", p, err)
		}
		fi, err := os.Stat(abs)
		if err != nil || !fi.Mode().IsRegular() {
			return nil, command.Usagef("%s %s: not a readable file", k, p)
		}
		img[k] = abs
	}
	return img, nil
}

// checkFiles refuses a disk that is not a disk image and a kernel that is
// not a kernel, and returns the root volume's size in GiB: the disk's
// virtual size rounded up, 8 at least. With a kernel and a disk it sets
// the kernel's root= to the disk (img["kernel_args"]) unless told.
func checkFiles(c *cli.Context, img map[string]string) (int, error) {
	size := 8
	var disk configs.DiskInfo
	if img["disk"] != "" {
		var err error
		if disk, err = configs.DiskImage(img["disk"]); err != nil {
			return 0, command.Usagef("%v", err)
		}
		size = max(size, int((disk.Size+1<<30-1)>>30))
	}
	if img["kernel"] != "" {
		if err := configs.LinuxKernel(img["kernel"]); err != nil {
			return 0, command.Usagef("--kernel %v", err)
		}
	}
	switch {
	case c.IsSet("kernel-args"):
		img["kernel_args"] = c.String("kernel-args")
	case img["kernel"] != "" && img["disk"] != "" && disk.Filesystem != "":
		img["kernel_args"] = "root=/dev/vda"
	case img["kernel"] != "" && img["disk"] != "":
		img["kernel_args"] = "root=/dev/vda1"
	}
	return size, nil
}

// imageEntry is the [images.NAME] table an import appends to config.toml,
// with the image's files and its AMI ID in each region (sorted, so the
// text does not depend on map order).
func imageEntry(name, desc, arch, user string, size int, img, ids map[string]string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n# ec2x images import %s\n[images.%s]\n", name, name)
	fmt.Fprintf(&b, "description = %s\nami_name = %s\narch = %s\nuser = %s\nroot_device_gib = %d\n",
		strconv.Quote(desc), strconv.Quote(name), strconv.Quote(arch), strconv.Quote(user), size)
	for _, k := range []string{"disk", "kernel", "initrd", "kernel_args"} {
		if img[k] != "" {
			fmt.Fprintf(&b, "%s = %s\n", k, strconv.Quote(img[k]))
		}
	}
	regions := make([]string, 0, len(ids))
	for r := range ids {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	b.WriteString("ids = {")
	for i, r := range regions {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s = %q", r, ids[r])
	}
	b.WriteString(" }\n")
	return b.String()
}

// appendConfig adds text to config.toml only if the result still loads:
// written beside it and renamed, so the file is never half-written.
func appendConfig(home, text string) error {
	path := filepath.Join(home, "config.toml")
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	tmp := path + ".import"
	if err := os.WriteFile(tmp, append(old, text...), 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	if _, err := configs.Load(home); err != nil {
		_ = os.WriteFile(path, old, 0o600) // put it back as it was
		return err
	}
	return nil
}

func newAMI() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return "ami-" + hex.EncodeToString(b[:])[:17]
}
