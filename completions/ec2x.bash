# bash completion for ec2x. Install: ec2x completion bash > /etc/bash_completion.d/ec2x
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
