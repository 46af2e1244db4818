# bash completion for looppost(1)                              -*- shell-script -*-
#
# Installed as bash-completion/completions/looppost. A unit test
# (tests/unit/test_cli_docs.cpp) checks that every command and long flag of the
# CLI11 tree is listed here.

_looppost_settings="api_base auth_base http_timeout http_attempts key_mode log_file"
_looppost_scopes="user.info.basic user.info.profile user.info.stats video.list video.upload video.publish"
_looppost_global_flags="--help --version --json --verbose --quiet --home --account -h -v -q"

_looppost()
{
    local cur prev words cword split=false
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        # Without bash-completion, "--home=DIR" arrives as "--home" "=" "DIR".
        if [[ $prev == = && $cword -ge 2 ]]; then
            prev=${COMP_WORDS[cword - 2]}
            split=true
        fi
    fi

    # Values of the flags that take one.
    case $prev in
        --home)
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        --client-secret-file)
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --account | --client-key)
            return
            ;;
        --scopes)
            # A comma-separated list: complete the scope after the last comma.
            local done_part="" last=$cur scope left=""
            if [[ $cur == *,* ]]; then
                done_part=${cur%,*},
                last=${cur##*,}
            fi
            for scope in $_looppost_scopes; do
                [[ ,$done_part == *,$scope,* ]] || left+=" $scope"
            done
            COMPREPLY=($(compgen -P "$done_part" -W "$left" -- "$last"))
            compopt -o nospace 2>/dev/null
            return
            ;;
    esac
    $split && return

    # The command words typed so far, skipping flags and their values.
    local -a cmd=()
    local i w
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
            --home | --account | --client-key | --client-secret-file | --scopes)
                ((i++))
                [[ ${words[i]-} == = ]] && ((i++))
                ;;
            -*) ;;
            *) cmd+=("$w") ;;
        esac
    done

    local flags="$_looppost_global_flags"
    case "${cmd[0]-}" in
        "")
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$flags" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "app config doctor" -- "$cur"))
            fi
            return
            ;;
        app)
            case "${cmd[1]-}" in
                "")
                    [[ $cur == -* ]] || { COMPREPLY=($(compgen -W "set show" -- "$cur")); return; }
                    ;;
                set)
                    flags+=" --client-key --client-secret-stdin --client-secret-file --scopes"
                    ;;
                show) ;;
            esac
            ;;
        config)
            case "${cmd[1]-}" in
                "")
                    [[ $cur == -* ]] || { COMPREPLY=($(compgen -W "get set unset list" -- "$cur")); return; }
                    ;;
                get | unset)
                    if [[ $cur != -* && ${#cmd[@]} -eq 2 ]]; then
                        COMPREPLY=($(compgen -W "$_looppost_settings" -- "$cur"))
                        return
                    fi
                    ;;
                set)
                    if [[ $cur != -* && ${#cmd[@]} -eq 2 ]]; then
                        COMPREPLY=($(compgen -W "$_looppost_settings" -- "$cur"))
                        return
                    fi
                    if [[ $cur != -* && ${#cmd[@]} -eq 3 ]]; then
                        case "${cmd[2]}" in
                            key_mode) COMPREPLY=($(compgen -W "file passphrase" -- "$cur")) ;;
                            log_file) COMPREPLY=($(compgen -f -- "$cur")) ;;
                        esac
                        return
                    fi
                    ;;
                list) ;;
            esac
            ;;
        doctor) ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    fi
} &&
    complete -F _looppost looppost

# ex: filetype=sh
