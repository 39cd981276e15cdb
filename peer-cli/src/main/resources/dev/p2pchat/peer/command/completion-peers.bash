
# --- p2pchat: peer names for chat, send, lookup (first argument), from known_peers --------------
# The home folder is --home DIR if given on the line, else $P2PCHAT_HOME, else ~/.p2pchat. Only
# the names are read (the first field of each line); nothing runs but awk.
_p2pchat_known_peers() {
    local home="${P2PCHAT_HOME:-$HOME/.p2pchat}" i
    for (( i = 1; i < ${#COMP_WORDS[@]}; i++ )); do
        if [[ ${COMP_WORDS[i]} == --home && $(( i + 1 )) -lt ${#COMP_WORDS[@]} ]]; then
            home="${COMP_WORDS[i+1]}"
        elif [[ ${COMP_WORDS[i]} == --home=* ]]; then
            home="${COMP_WORDS[i]#--home=}"
        fi
    done
    [[ -r "$home/known_peers" ]] && awk '$1 !~ /^#/ && NF >= 2 { print $1 }' "$home/known_peers" 2>/dev/null
}

_p2pchat_complete() {
    local cur="${COMP_WORDS[COMP_CWORD]}" command="" positionals=0 i word
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word="${COMP_WORDS[i]}"
        case "$word" in
            --server|--home|--server-ca|--address|--downloads|--accept|--max-file-size|--keep-free|--partials-limit|--partials-max-age|--port)
                (( i++ )) ;;
            -*) ;;
            *) if [[ -z $command ]]; then command="$word"; else (( positionals++ )); fi ;;
        esac
    done
    case "$command" in
        chat|send|lookup|verify|keys)
            if (( positionals == 0 )) && [[ $cur != -* ]]; then
                COMPREPLY=( $(compgen -W "$(_p2pchat_known_peers)" -- "$cur") )
                return 0
            fi ;;
    esac
    _complete_p2pchat "$@"
}

complete -F _p2pchat_complete -o default p2pchat
