package instances

import (
	"context"
	"fmt"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/api"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
)

// MetadataCommand is `ec2x metadata`: an instance's metadata service (IMDSv2).
var MetadataCommand = &cli.Command{
	Name:      "metadata",
	Usage:     "an instance's metadata service (IMDSv2): its address, or what it answers at PATH",
	ArgsUsage: "ID [PATH]",
	Description: "With only an ID, prints the URL of the instance's metadata service (what a guest reaches\n" +
		"at 169.254.169.254). With a PATH such as meta-data/instance-id or user-data, asks it with\n" +
		"IMDSv2 (a token, then the path) and prints the answer.",
	Action: func(c *cli.Context) error {
		e, args, err := command.SetupInstances(c, 1, 2, 1, "instance ID")
		if err != nil {
			return err
		}
		var ep ec2.MetadataEndpoint
		if err := e.Call("OpenInstanceMetadataEndpoint", &ec2.InstanceIdInput{InstanceId: args[0]}, &ep); err != nil {
			return err
		}
		if len(args) == 1 {
			if e.Output == "json" || e.Query != "" {
				return e.Print(command.View{Data: &ep})
			}
			_, err := fmt.Fprintln(c.App.Writer, ep.Url)
			return err
		}
		body, err := fetchMetadata(e.Context(), ep.Url, args[1])
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(c.App.Writer, strings.TrimRight(body, "\n"))
		return err
	},
}

// fetchMetadata asks for path the IMDSv2 way: a token, then the GET.
func fetchMetadata(ctx context.Context, base, path string) (string, error) {
	tok, err := readOK(ctx, "PUT", base, "/latest/api/token", map[string]string{ec2.HeaderIMDSTokenTTL: "60"})
	if err != nil {
		return "", err
	}
	return readOK(ctx, "GET", base, "/latest/"+strings.TrimPrefix(path, "/"), map[string]string{ec2.HeaderIMDSToken: tok})
}

func readOK(ctx context.Context, method, base, path string, header map[string]string) (string, error) {
	status, line, body, err := api.Fetch(ctx, method, base+path, header)
	if err != nil {
		return "", err
	}
	if status != 200 {
		return "", &ec2.Error{Code: ec2.CodeMetadataNotFound, Message: fmt.Sprintf("%s: %s", path, line)}
	}
	return string(body), nil
}
