package catalog

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/configs/debimage"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

var imagesBuildCommand = &cli.Command{
	Name:      "build",
	Usage:     "build a Debian cloud image from the package repository and register it for the qemu driver",
	ArgsUsage: "debian-11|debian-12|debian-13",
	Description: "Builds a Debian root disk with the distro kernel and initrd beside it (booted without a\n" +
		"boot loader), cloud-init (NoCloud: the key pair, user data, hostname), openssh-server\n" +
		"and sudo; the default user is admin, with passwordless sudo, as on Debian's AMIs. The\n" +
		"packages come from the repository apt uses here (--mirror), and guests reach it through\n" +
		"NAT. Builds are cached by their inputs under $EC2X_IMAGE_CACHE, else\n" +
		"$EC2X_HOME/images: the same build again takes a moment. Needs root, mmdebstrap (or\n" +
		"debootstrap), e2fsprogs and qemu-utils.",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "name", Usage: "the image's name (default: the release's, e.g. debian-12)"},
		&cli.StringFlag{Name: "release", Usage: "the Debian suite (default: the argument's, e.g. bookworm)"},
		&cli.StringSliceFlag{Name: "packages", Usage: "extra packages, comma-separated (repeatable)"},
		&cli.IntFlag{Name: "size", Value: 4, Usage: "the root disk in GiB"},
		&cli.StringFlag{Name: "mirror", Usage: "the Debian repository (default: the one apt uses here)"},
	},
	Action: imagesBuild,
}

func imagesBuild(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "a Debian release: debian-11, debian-12 or debian-13")
	if err != nil {
		return err
	}
	release, ok := debimage.Releases[args[0]]
	if !ok {
		return command.Usagef("%q: build debian-11, debian-12 or debian-13", args[0])
	}
	if r := c.String("release"); r != "" {
		release = r
	}
	name := c.String("name")
	if name == "" {
		name = args[0]
	}
	if !imageName.MatchString(name) {
		return command.Usagef("image name %q: use lower-case letters, digits, '.', '_' and '-'", name)
	}
	if c.Int("size") < 2 || c.Int("size") > 1024 {
		return command.Usagef("--size %d: 2 to 1024 GiB", c.Int("size"))
	}
	var pkgs []string
	for _, p := range c.StringSlice("packages") {
		for _, q := range strings.Split(p, ",") {
			if q = strings.TrimSpace(q); q != "" {
				pkgs = append(pkgs, q)
			}
		}
	}
	mirror := c.String("mirror")
	if mirror == "" {
		mirror = debimage.Mirror()
	}
	spec := debimage.Spec{Release: release, Packages: pkgs, Mirror: mirror, SizeGiB: c.Int("size")}
	cache := os.Getenv("EC2X_IMAGE_CACHE")
	if cache == "" {
		cache = filepath.Join(e.Home, "images")
	}
	if old := e.Config.Images[name]; old != nil {
		if filepath.Dir(old.Disk) == filepath.Join(cache, spec.Key()) {
			return printImage(c, e, old.IDs[e.Region], name)
		}
		return ec2.Errorf(ec2.CodeInvalidParameterValue, "an image called %s already exists (built from other inputs): give --name", name)
	}
	t0 := time.Now()
	logPath := filepath.Join(cache, spec.Key()+".log")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return err
	}
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	img, err := debimage.Build(c.Context, spec, cache, log)
	log.Close()
	if errors.Is(err, debimage.ErrMissingTool) {
		return command.Usagef("%v", err)
	}
	if err != nil {
		return fmt.Errorf("images build %s: %w (the tools' output: %s)", args[0], err, logPath)
	}
	if !img.Cached && !e.Quiet {
		fmt.Fprintf(c.App.ErrWriter, "built %s (%s) in %s\n", name, release, time.Since(t0).Round(time.Second))
	}
	ids := map[string]string{}
	for _, r := range e.Config.RegionNames() {
		ids[r] = newAMI()
	}
	files := map[string]string{"disk": img.Disk, "kernel": img.Kernel, "initrd": img.Initrd, "kernel_args": img.KernelArgs}
	desc := fmt.Sprintf("Debian %s (%s) built by ec2x from %s", strings.TrimPrefix(args[0], "debian-"), release, mirror)
	if err := appendConfig(e.Home, imageEntry(name, desc, "x86_64", "admin", spec.SizeGiB, files, ids)); err != nil {
		return err
	}
	return printImage(c, e, ids[e.Region], name)
}

// printImage prints an image's AMI ID in the region, and its name.
func printImage(c *cli.Context, e *command.Env, id, name string) error {
	if e.Quiet {
		_, err := fmt.Fprintln(c.App.Writer, id)
		return err
	}
	_, err := fmt.Fprintf(c.App.Writer, "%s\t%s\n", id, name)
	return err
}
