package catalog

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// dataFlags are the launch data flags of `template create` and `template version`.
var dataFlags = []cli.Flag{
	&cli.StringFlag{Name: "image", Usage: "image ID or name"},
	&cli.StringFlag{Name: "type", Usage: "instance type"},
	&cli.StringFlag{Name: "key", Usage: "key pair name"},
	&cli.StringSliceFlag{Name: "sg", Usage: "security group ID or name (repeatable)"},
	&cli.StringFlag{Name: "user-data", Usage: "file with user data"},
	&cli.StringSliceFlag{Name: "tag", Usage: "tag KEY=VALUE for the instances (repeatable)"},
	&cli.StringFlag{Name: "data", Usage: "LaunchTemplateData as JSON: file://PATH or the JSON itself"},
	&cli.StringFlag{Name: "description", Usage: "version description"},
}

// TemplateCommand is `ec2x template`: launch templates.
var TemplateCommand = &cli.Command{
	Name:  "template",
	Usage: "launch templates",
	Subcommands: []*cli.Command{
		{Name: "create", Usage: "create a launch template (version 1)", ArgsUsage: "NAME", Flags: dataFlags, Action: templateCreate},
		{Name: "version", Usage: "add a version", ArgsUsage: "NAME|ID", Action: templateVersion,
			Flags: append([]cli.Flag{&cli.StringFlag{Name: "source", Usage: "version to start from ($Latest, $Default or N)"}}, dataFlags...)},
		{Name: "ls", Usage: "list launch templates", Action: templateList},
		{Name: "show", Usage: "a template's versions", ArgsUsage: "NAME|ID", Action: templateShow,
			Flags: []cli.Flag{&cli.StringFlag{Name: "version", Usage: "one version ($Latest, $Default or N)"}}},
		{Name: "default", Usage: "set the default version", ArgsUsage: "NAME|ID VERSION", Action: templateDefault},
		{Name: "rm", Usage: "delete a launch template and its versions", ArgsUsage: "NAME|ID", Action: templateRemove},
	},
}

// templateRef splits NAME|ID into the ID or the name.
func templateRef(ref string) (id, name string) {
	if strings.HasPrefix(ref, "lt-") {
		return ref, ""
	}
	return "", ref
}

// launchData builds the template data from the flags.
func launchData(c *cli.Context) (*ec2.RequestLaunchTemplateData, error) {
	d := &ec2.RequestLaunchTemplateData{}
	if src := c.String("data"); src != "" {
		b := []byte(src)
		if path, ok := strings.CutPrefix(src, "file://"); ok {
			var err error
			if b, err = os.ReadFile(path); err != nil {
				return nil, command.Usagef("template: %v", err)
			}
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(d); err != nil {
			return nil, command.Usagef("template: --data is not LaunchTemplateData JSON: %v", err)
		}
	}
	if v := c.String("image"); v != "" {
		d.ImageId = v
	}
	if v := c.String("type"); v != "" {
		d.InstanceType = v
	}
	if v := c.String("key"); v != "" {
		d.KeyName = v
	}
	for _, g := range c.StringSlice("sg") {
		if strings.HasPrefix(g, "sg-") {
			d.SecurityGroupIds = append(d.SecurityGroupIds, g)
		} else {
			d.SecurityGroups = append(d.SecurityGroups, g)
		}
	}
	if f := c.String("user-data"); f != "" {
		b, err := command.ReadUserData("template", f)
		if err != nil {
			return nil, err
		}
		d.UserData = base64.StdEncoding.EncodeToString(b)
	}
	tags, err := command.ParseTags(c.StringSlice("tag"))
	if err != nil {
		return nil, err
	}
	if len(tags) > 0 {
		d.TagSpecifications = append(d.TagSpecifications, ec2.LaunchTemplateTagSpecificationRequest{ResourceType: "instance", Tags: tags})
	}
	if reflect.ValueOf(*d).IsZero() {
		return nil, command.Usagef("template: give the launch data: --image, --type, --key, --sg, --user-data, --tag or --data")
	}
	return d, nil
}

func templateRow(t ec2.LaunchTemplate) []string {
	return []string{t.LaunchTemplateName, t.LaunchTemplateId, strconv.FormatInt(t.DefaultVersionNumber, 10),
		strconv.FormatInt(t.LatestVersionNumber, 10), t.CreateTime.UTC().Format(time.RFC3339)}
}

var templateHeader = []string{"NAME", "LAUNCH TEMPLATE ID", "DEFAULT", "LATEST", "CREATED"}

func templateCreate(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "template name")
	if err != nil {
		return err
	}
	d, err := launchData(c)
	if err != nil {
		return err
	}
	in := &ec2.CreateLaunchTemplateInput{LaunchTemplateName: args[0], LaunchTemplateData: d, VersionDescription: c.String("description")}
	var out ec2.CreateLaunchTemplateOutput
	if err := e.Call("CreateLaunchTemplate", in, &out); err != nil {
		return err
	}
	return e.Print(command.View{Data: &out, IDs: []string{out.LaunchTemplate.LaunchTemplateId}, Header: templateHeader,
		Rows: [][]string{templateRow(*out.LaunchTemplate)}})
}

func versionRows(vs []ec2.LaunchTemplateVersion) command.View {
	v := command.View{Header: []string{"NAME", "VERSION", "DEFAULT", "TYPE", "IMAGE", "DESCRIPTION", "CREATED"}}
	for _, x := range vs {
		d := x.LaunchTemplateData
		if d == nil {
			d = &ec2.ResponseLaunchTemplateData{}
		}
		v.IDs = append(v.IDs, x.LaunchTemplateId+":"+strconv.FormatInt(x.VersionNumber, 10))
		v.Rows = append(v.Rows, []string{x.LaunchTemplateName, strconv.FormatInt(x.VersionNumber, 10), strconv.FormatBool(x.DefaultVersion),
			d.InstanceType, d.ImageId, x.VersionDescription, x.CreateTime.UTC().Format(time.RFC3339)})
	}
	return v
}

func templateVersion(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "template name or ID")
	if err != nil {
		return err
	}
	d, err := launchData(c)
	if err != nil {
		return err
	}
	id, name := templateRef(args[0])
	in := &ec2.CreateLaunchTemplateVersionInput{LaunchTemplateId: id, LaunchTemplateName: name, LaunchTemplateData: d,
		SourceVersion: c.String("source"), VersionDescription: c.String("description")}
	var out ec2.CreateLaunchTemplateVersionOutput
	if err := e.Call("CreateLaunchTemplateVersion", in, &out); err != nil {
		return err
	}
	v := versionRows([]ec2.LaunchTemplateVersion{*out.LaunchTemplateVersion})
	v.Data = &out
	return e.Print(v)
}

func templateList(c *cli.Context) error {
	e, err := command.NewEnv(c)
	if err != nil {
		return err
	}
	var out ec2.DescribeLaunchTemplatesOutput
	if err := e.Call("DescribeLaunchTemplates", &ec2.DescribeLaunchTemplatesInput{}, &out); err != nil {
		return err
	}
	v := command.View{Data: &out, Header: templateHeader}
	for _, t := range out.LaunchTemplates {
		v.IDs = append(v.IDs, t.LaunchTemplateId)
		v.Rows = append(v.Rows, templateRow(t))
	}
	return e.Print(v)
}

func templateShow(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "template name or ID")
	if err != nil {
		return err
	}
	id, name := templateRef(args[0])
	in := &ec2.DescribeLaunchTemplateVersionsInput{LaunchTemplateId: id, LaunchTemplateName: name}
	if v := c.String("version"); v != "" {
		in.Versions = []string{v}
	}
	var out ec2.DescribeLaunchTemplateVersionsOutput
	if err := e.Call("DescribeLaunchTemplateVersions", in, &out); err != nil {
		return err
	}
	v := versionRows(out.LaunchTemplateVersions)
	v.Data = &out
	return e.Print(v)
}

func templateDefault(c *cli.Context) error {
	e, args, err := command.Setup(c, 2, 2, "template name or ID and version")
	if err != nil {
		return err
	}
	id, name := templateRef(args[0])
	var out ec2.ModifyLaunchTemplateOutput
	if err := e.Call("ModifyLaunchTemplate", &ec2.ModifyLaunchTemplateInput{LaunchTemplateId: id, LaunchTemplateName: name, DefaultVersion: args[1]}, &out); err != nil {
		return err
	}
	return e.Print(command.View{Data: &out, IDs: []string{out.LaunchTemplate.LaunchTemplateId}, Header: templateHeader,
		Rows: [][]string{templateRow(*out.LaunchTemplate)}})
}

func templateRemove(c *cli.Context) error {
	e, args, err := command.Setup(c, 1, 1, "template name or ID")
	if err != nil {
		return err
	}
	id, name := templateRef(args[0])
	var out ec2.DeleteLaunchTemplateOutput
	if err := e.Call("DeleteLaunchTemplate", &ec2.DeleteLaunchTemplateInput{LaunchTemplateId: id, LaunchTemplateName: name}, &out); err != nil {
		return err
	}
	return e.Print(command.View{Data: &out, IDs: []string{out.LaunchTemplate.LaunchTemplateId}, Header: templateHeader,
		Rows: [][]string{templateRow(*out.LaunchTemplate)}})
}
