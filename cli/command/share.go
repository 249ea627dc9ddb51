package command

import cli "github.com/urfave/cli/v2"

// ShareFlags are the flags of the share verbs (images share, snapshot
// share): whom a permission is given to, or taken from.
func ShareFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "account", Usage: "a 12-digit account ID (repeatable)"},
		&cli.BoolFlag{Name: "public", Usage: "everyone (the group all)"},
		&cli.BoolFlag{Name: "remove", Usage: "stop sharing with them instead"},
	}
}

// Share reads ShareFlags: the accounts, the groups ("all" for --public)
// and the operation (add, or remove), or a usage error naming cmd when
// nobody is named.
func Share(c *cli.Context, cmd string) (accounts, groups []string, op string, err error) {
	accounts = c.StringSlice("account")
	if c.Bool("public") {
		groups = []string{"all"}
	}
	if len(accounts) == 0 && len(groups) == 0 {
		return nil, nil, "", Usagef("%s: give --account ID or --public", cmd)
	}
	op = "add"
	if c.Bool("remove") {
		op = "remove"
	}
	return accounts, groups, op, nil
}
