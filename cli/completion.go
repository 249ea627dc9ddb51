package cli

import (
	"fmt"

	"github.com/ec2x/ec2x/cli/command"
	cli "github.com/urfave/cli/v2"
)

var completionCommand = &cli.Command{
	Name:      "completion",
	Usage:     "print a shell completion script (bash, zsh or fish)",
	ArgsUsage: "bash|zsh|fish",
}

// The action builds an app of its own, so it is set here to keep the
// package's initialization free of a cycle.
func init() { completionCommand.Action = completionAction }

func completionAction(c *cli.Context) error {
	if c.NArg() != 1 {
		return command.Usagef("completion: name one shell: bash, zsh or fish")
	}
	// A fresh app: this one has set up the command being run (urfave adds
	// a help subcommand to it), which would leak into the script.
	script, err := Completion(NewApp(c.App.Writer, c.App.ErrWriter), c.Args().First())
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(c.App.Writer, script)
	return err
}

// Completion returns the completion script of shell for app. The bash and
// zsh scripts ask ec2x itself for candidates (urfave/cli's
// --generate-bash-completion), so they never go stale; fish gets the full
// command tree.
func Completion(app *cli.App, shell string) (string, error) {
	switch shell {
	case "bash":
		return bashCompletion, nil
	case "zsh":
		return zshCompletion, nil
	case "fish":
		// Set up as a run would (the help and version flags), so the
		// script is the same whether or not app has run.
		app.Setup()
		return app.ToFishCompletion()
	}
	return "", command.Usagef("completion: unknown shell %q: use bash, zsh or fish", shell)
}

const bashCompletion = `# bash completion for ec2x. Install: ec2x completion bash > /etc/bash_completion.d/ec2x
_ec2x() {
    local cur words
    COMPREPLY=()
    cur="${COMP_WORDS[COMP_CWORD]}"
    words=("${COMP_WORDS[@]:0:$COMP_CWORD}")
    # After "--" come arguments of the command itself: never ask ec2x,
    # which would run the command (urfave/cli answers no request there).
    local w
    for w in "${words[@]}"; do
        [[ "$w" == "--" ]] && return 0
    done
    if [[ "$cur" == -* ]]; then
        words+=("$cur")
    fi
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$("${words[@]}" --generate-bash-completion 2>/dev/null)" -- "$cur"))
    return 0
}
complete -o bashdefault -o default -F _ec2x ec2x
`

const zshCompletion = `#compdef ec2x
# zsh completion for ec2x. Install: ec2x completion zsh > "${fpath[1]}/_ec2x"
_ec2x() {
    local -a opts
    local cur
    cur=${words[-1]}
    # After "--" come arguments of the command itself: never ask ec2x,
    # which would run the command (urfave/cli answers no request there).
    local w
    for w in ${words[1,CURRENT-1]}; do
        if [[ "$w" == "--" ]]; then
            _files
            return
        fi
    done
    if [[ "$cur" == "-"* ]]; then
        opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
    else
        opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
    fi
    if [[ "${opts[1]}" != "" ]]; then
        _describe 'values' opts
    else
        _files
    fi
}
compdef _ec2x ec2x
`
