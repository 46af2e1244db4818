# bash completion for looppost(1)                              -*- shell-script -*-
#
# Installed as bash-completion/completions/looppost. A unit test
# (tests/unit/test_cli_docs.cpp) checks that every command and long flag of the
# CLI11 tree is listed here.

_looppost_settings="api_base auth_base http_timeout http_attempts key_mode log_file jobs
    poll_seconds notify_command limit_inits_per_minute limit_creator_info_per_minute
    limit_status_per_minute limit_direct_posts_per_day limit_inbox_shares_per_day
    limit_display_per_minute retention_days purge_on_revoke"
_looppost_scopes="user.info.basic user.info.profile user.info.stats video.list video.upload video.publish"
_looppost_global_flags="--help --version --json --verbose --quiet --home --account -h -v -q"
_looppost_states="queued publishing deferred published in_inbox failed needs_attention cancelled all"
# The post options of enqueue and queue edit.
_looppost_post_flags="--caption --caption-file --title --at --mode --privacy
    --allow-comments --no-allow-comments --allow-duet --no-allow-duet
    --allow-stitch --no-allow-stitch --auto-music --no-auto-music
    --brand-organic --no-brand-organic --brand-content --no-brand-content
    --aigc --no-aigc --cover-index --cover-ms"

# The names of the accounts, one a line, from "looppost auth list --json" (in the home given by
# $1, else LOOPPOST_HOME, else the XDG one). Nothing when looppost is not on PATH or the database
# does not exist yet (looppost would create it), and nothing on any error.
_looppost_accounts()
{
    local home=${1:-${LOOPPOST_HOME-}} db
    command -v looppost >/dev/null 2>&1 || return 0
    home=${home/#\~/$HOME}
    if [[ -n $home ]]; then
        db=$home/data/looppost.db
    else
        db=${XDG_DATA_HOME:-$HOME/.local/share}/looppost/looppost.db
    fi
    [[ -f $db ]] || return 0
    looppost ${home:+--home "$home"} auth list --json </dev/null 2>/dev/null |
        sed -n 's/^ *"name": "\([^"]*\)",\{0,1\}$/\1/p'
}

# IANA time zone names, from the system's zoneinfo.
_looppost_time_zones()
{
    [[ -d /usr/share/zoneinfo ]] || return 0
    (cd /usr/share/zoneinfo && find . \( -type f -o -type l \) -name '[A-Z]*' \
        ! -path './posix/*' ! -path './right/*' 2>/dev/null) | sed 's|^\./||'
}

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

    # The command words typed so far, skipping flags and their values, and the --home given.
    local -a cmd=()
    local i w home=""
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
            --home | --account | --client-key | --client-secret-file | --scopes | --method | \
                --name | --port | --redirect-uri | --timeout | --time-zone | --mode | --rename | \
                --video | --photo | --from | --format | --caption | --caption-file | --title | \
                --at | --privacy | --cover-index | --cover-ms | --key | --state | --due-before | \
                --limit | --endpoint | --bucket | --region | --access-key-id | --public-base-url | \
                --prefix | --path | --jobs)
                ((i++))
                [[ ${words[i]-} == = ]] && ((i++))
                [[ $w == --home && i -lt cword ]] && home=${words[i]}
                ;;
            --home=*) home=${w#--home=} ;;
            -*) ;;
            *) cmd+=("$w") ;;
        esac
    done

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
        --path)
            compopt -o dirnames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur"))
            return
            ;;
        --endpoint | --bucket | --region | --access-key-id | --public-base-url | --prefix)
            return
            ;;
        --video | --photo | --from | --caption-file)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return
            ;;
        --format)
            COMPREPLY=($(compgen -W "jsonl csv" -- "$cur"))
            return
            ;;
        --privacy)
            COMPREPLY=($(compgen -W "public friends followers private" -- "$cur"))
            return
            ;;
        --at)
            COMPREPLY=($(compgen -W "now" -- "$cur"))
            return
            ;;
        --account)
            COMPREPLY=($(compgen -W "$(_looppost_accounts "$home")" -- "$cur"))
            return
            ;;
        --method)
            COMPREPLY=($(compgen -W "qr browser paste" -- "$cur"))
            return
            ;;
        --mode)
            COMPREPLY=($(compgen -W "inbox direct" -- "$cur"))
            return
            ;;
        --time-zone)
            COMPREPLY=($(compgen -W "$(_looppost_time_zones)" -- "$cur"))
            return
            ;;
        --client-key | --name | --port | --redirect-uri | --timeout | --rename | --caption | \
            --title | --cover-index | --cover-ms | --key | --due-before | --limit | --jobs)
            return
            ;;
        --state)
            # A comma-separated list, like --scopes.
            local done_states="" last_state=$cur state left_states=""
            if [[ $cur == *,* ]]; then
                done_states=${cur%,*},
                last_state=${cur##*,}
            fi
            for state in $_looppost_states; do
                [[ ,$done_states == *,$state,* ]] || left_states+=" $state"
            done
            COMPREPLY=($(compgen -P "$done_states" -W "$left_states" -- "$last_state"))
            compopt -o nospace 2>/dev/null
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

    local flags="$_looppost_global_flags"
    case "${cmd[0]-}" in
        "")
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$flags" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "account app auth config doctor enqueue export media publish-due purge queue quota slots snapshot-stats stats" -- "$cur"))
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
        auth)
            case "${cmd[1]-}" in
                "")
                    [[ $cur == -* ]] || { COMPREPLY=($(compgen -W "login list status refresh logout" -- "$cur")); return; }
                    ;;
                login)
                    flags+=" --method --scopes --name --port --redirect-uri --no-browser --timeout"
                    ;;
                list) ;;
                status | refresh | logout)
                    [[ ${cmd[1]} == logout ]] && flags+=" --local-only"
                    if [[ $cur != -* && ${#cmd[@]} -eq 2 ]]; then
                        COMPREPLY=($(compgen -W "$(_looppost_accounts "$home")" -- "$cur"))
                        return
                    fi
                    ;;
            esac
            ;;
        account)
            case "${cmd[1]-}" in
                "")
                    [[ $cur == -* ]] || { COMPREPLY=($(compgen -W "set pause resume" -- "$cur")); return; }
                    ;;
                set | pause | resume)
                    [[ ${cmd[1]} == set ]] && flags+=" --time-zone --mode --default --rename"
                    if [[ $cur != -* && ${#cmd[@]} -eq 2 ]]; then
                        COMPREPLY=($(compgen -W "$(_looppost_accounts "$home")" -- "$cur"))
                        return
                    fi
                    ;;
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
                            notify_command) COMPREPLY=($(compgen -c -- "$cur")) ;;
                        esac
                        return
                    fi
                    ;;
                list) ;;
            esac
            ;;
        doctor) ;;
        media)
            case "${cmd[1]-}" in
                "")
                    [[ $cur == -* ]] || { COMPREPLY=($(compgen -W "set show test" -- "$cur")); return; }
                    ;;
                set)
                    case "${cmd[2]-}" in
                        "")
                            [[ $cur == -* ]] || { COMPREPLY=($(compgen -W "s3 dir" -- "$cur")); return; }
                            ;;
                        s3)
                            flags+=" --endpoint --bucket --region --access-key-id --public-base-url --prefix --path-style --secret-access-key-stdin"
                            ;;
                        dir)
                            flags+=" --path --public-base-url --prefix"
                            ;;
                    esac
                    ;;
                show | test) ;;
            esac
            ;;
        enqueue)
            flags+=" --video --photo --from --format $_looppost_post_flags"
            flags+=" --next-slot --key --no-fix --dry-run --yes"
            # enqueue takes no argument: a word that is not a flag is one more photo.
            if [[ $cur != -* ]]; then
                compopt -o filenames 2>/dev/null
                COMPREPLY=($(compgen -f -- "$cur"))
                return
            fi
            ;;
        queue)
            case "${cmd[1]-}" in
                "" | list)
                    [[ -z ${cmd[1]-} && $cur != -* ]] && { COMPREPLY=($(compgen -W "list show edit cancel retry reschedule" -- "$cur")); return; }
                    flags+=" --state --due-before --limit"
                    ;;
                edit)
                    flags+=" $_looppost_post_flags --yes"
                    ;;
                reschedule)
                    flags+=" --at"
                    ;;
                show | cancel | retry) ;;
            esac
            ;;
        publish-due)
            flags+=" --limit --dry-run --jobs"
            ;;
        quota)
            if [[ $cur != -* && ${#cmd[@]} -eq 1 ]]; then
                COMPREPLY=($(compgen -W "$(_looppost_accounts "$home")" -- "$cur"))
                return
            fi
            ;;
        stats)
            case $prev in
                --sort)
                    COMPREPLY=($(compgen -W "date views likes growth" -- "$cur"))
                    return
                    ;;
                --svg)
                    COMPREPLY=($(compgen -f -- "$cur"))
                    return
                    ;;
                --post | --since | --limit) return ;;
            esac
            flags+=" --post --since --sort --limit --csv --svg --best-times"
            ;;
        purge)
            case "$prev" in
                --older-than) return ;;
            esac
            flags+=" --hosted-media --older-than --everything --including-key --dry-run --yes"
            ;;
        export)
            case $prev in
                --output)
                    COMPREPLY=($(compgen -f -- "$cur"))
                    return
                    ;;
                --with-media)
                    COMPREPLY=($(compgen -d -- "$cur"))
                    return
                    ;;
            esac
            flags+=" --output --with-media"
            ;;
        slots)
            case "${cmd[1]-}" in
                "")
                    [[ $cur == -* ]] || { COMPREPLY=($(compgen -W "add list remove" -- "$cur")); return; }
                    ;;
                add | list | remove) ;;
            esac
            ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    fi
} &&
    complete -F _looppost looppost

# ex: filetype=sh
