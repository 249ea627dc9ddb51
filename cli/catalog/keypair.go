package catalog

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/configs"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// KeypairCommand is `ec2x keypair`: SSH key pairs.
var KeypairCommand = &cli.Command{
	Name:  "keypair",
	Usage: "SSH key pairs",
	Subcommands: []*cli.Command{
		{
			Name:      "create",
			Usage:     "create a key pair; the private key is written once, mode 0600",
			ArgsUsage: "NAME",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "type", Value: "ed25519", Usage: "ed25519 or rsa"},
				&cli.StringFlag{Name: "format", Value: "pem", Usage: "private key format: pem (OpenSSH, for ec2x ssh) or ppk (PuTTY)"},
				&cli.StringFlag{Name: "out", Usage: "private key file (default $EC2X_HOME/keys/REGION/NAME.pem, or .ppk)"},
				&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"},
			},
			Action: keypairCreate,
		},
		{
			Name:      "import",
			Usage:     "import the public half of a key you made",
			ArgsUsage: "NAME",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "public-key", Usage: "public key file (OpenSSH, RFC 4716 or PEM; required)"},
				&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE (repeatable)"},
			},
			Action: keypairImport,
		},
		{Name: "ls", Usage: "list key pairs", Action: keypairList},
		{Name: "rm", Usage: "delete a key pair", ArgsUsage: "NAME", Action: keypairRemove},
	},
}

func keypairCreate(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "key pair name")
	if err != nil {
		return err
	}
	name := args[0]
	format := c.String("format")
	path := c.String("out")
	if path == "" {
		path = command.KeyPath(e.Home, e.Region, name)
		if format == "ppk" {
			path = strings.TrimSuffix(path, ".pem") + ".ppk"
		}
	}
	tags, err := command.ParseTags(c.StringSlice("tag"))
	if err != nil {
		return err
	}
	// The daemon makes the key, so the pair exists before its material: the
	// file is staged first (most failures end here, with nothing created)
	// and a failure to complete it deletes the pair again.
	kf, err := stageKeyFile(path)
	if err != nil {
		return err
	}
	defer kf.discard()
	in := &ec2.CreateKeyPairInput{KeyName: name, KeyType: c.String("type"), KeyFormat: format}
	if len(tags) > 0 {
		in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "key-pair", Tags: tags}}
	}
	var out ec2.CreateKeyPairOutput
	if err := e.Call("CreateKeyPair", in, &out); err != nil {
		return err
	}
	if err := kf.commit([]byte(out.KeyMaterial)); err != nil {
		var empty ec2.Empty
		if derr := e.Call("DeleteKeyPair", &ec2.DeleteKeyPairInput{KeyPairId: out.KeyPairId}, &empty); derr != nil {
			return fmt.Errorf("keypair create: cannot write the private key to %s: %v; deleting key pair %s failed too: %v", path, err, out.KeyPairId, derr)
		}
		return fmt.Errorf("keypair create: cannot write the private key to %s: %v; the key pair was not created", path, err)
	}
	data := struct {
		ec2.CreateKeyPairOutput
		KeyFile string `json:"KeyFile"`
	}{out, path}
	return e.Print(command.View{Data: &data, IDs: []string{out.KeyPairId},
		Header: []string{"KEY NAME", "KEY PAIR ID", "TYPE", "FINGERPRINT", "PRIVATE KEY FILE"},
		Rows:   [][]string{{out.KeyName, out.KeyPairId, c.String("type"), out.KeyFingerprint, path}}})
}

func keypairImport(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "key pair name")
	if err != nil {
		return err
	}
	// Checked here rather than with Required: urfave/cli reports a missing
	// required flag as a plain error (exit 1) after printing the help.
	if c.String("public-key") == "" {
		return command.Usagef("keypair import: give --public-key FILE")
	}
	material, err := os.ReadFile(c.String("public-key"))
	if err != nil {
		return command.Usagef("keypair import: %v", err)
	}
	tags, err := command.ParseTags(c.StringSlice("tag"))
	if err != nil {
		return err
	}
	in := &ec2.ImportKeyPairInput{KeyName: args[0], PublicKeyMaterial: material}
	if len(tags) > 0 {
		in.TagSpecifications = []ec2.TagSpecification{{ResourceType: "key-pair", Tags: tags}}
	}
	var out ec2.ImportKeyPairOutput
	if err := e.Call("ImportKeyPair", in, &out); err != nil {
		return err
	}
	return e.Print(command.View{Data: &out, IDs: []string{out.KeyPairId},
		Header: []string{"KEY NAME", "KEY PAIR ID", "FINGERPRINT"},
		Rows:   [][]string{{out.KeyName, out.KeyPairId, out.KeyFingerprint}}})
}

func keypairList(c *cli.Context) error {
	e, err := command.NewEnv(c)
	if err != nil {
		return err
	}
	var out ec2.DescribeKeyPairsOutput
	if err := e.Call("DescribeKeyPairs", &ec2.DescribeKeyPairsInput{KeyNames: c.Args().Slice()}, &out); err != nil {
		return err
	}
	v := command.View{Data: &out, Header: []string{"KEY NAME", "KEY PAIR ID", "TYPE", "FINGERPRINT", "CREATED"}}
	for _, k := range out.KeyPairs {
		v.IDs = append(v.IDs, k.KeyPairId)
		v.Rows = append(v.Rows, []string{k.KeyName, k.KeyPairId, k.KeyType, k.KeyFingerprint, k.CreateTime.UTC().Format(time.RFC3339)})
	}
	return e.Print(v)
}

func keypairRemove(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "key pair name")
	if err != nil {
		return err
	}
	in := &ec2.DeleteKeyPairInput{KeyName: args[0]}
	if keyPairIDRe.MatchString(args[0]) {
		in = &ec2.DeleteKeyPairInput{KeyPairId: args[0]}
	}
	var out ec2.Empty
	if err := e.Call("DeleteKeyPair", in, &out); err != nil {
		return err
	}
	return e.Print(command.View{Data: &out, IDs: args, Header: []string{"KEY", "DELETED"}, Rows: [][]string{{args[0], "yes"}}})
}

var keyPairIDRe = configs.LazyRegexpOf(`^key-[0-9a-f]{17}$`)
