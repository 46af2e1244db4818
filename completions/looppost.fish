# fish completion for looppost(1). Installed as fish/vendor_completions.d/looppost.fish.
# A unit test (tests/unit/test_cli_docs.cpp) checks that every command and long
# flag of the CLI11 tree is listed here.

set -l commands account app auth config doctor enqueue export media publish-due purge queue quota slots snapshot-stats stats
set -l app_commands set show
set -l media_commands set show test
set -l auth_commands login list status refresh logout
set -l account_commands set pause resume
set -l config_commands get set unset list
set -l queue_commands list show edit cancel retry reschedule
set -l slots_commands add list remove
set -l states queued publishing deferred published in_inbox failed needs_attention cancelled all
set -l settings api_base auth_base http_timeout http_attempts key_mode log_file jobs poll_seconds \
    notify_command limit_inits_per_minute limit_creator_info_per_minute limit_status_per_minute \
    limit_direct_posts_per_day limit_inbox_shares_per_day limit_display_per_minute retention_days \
    purge_on_revoke

complete -c looppost -f

# The names of the accounts, from "looppost auth list --json" (in the home of --home, else
# LOOPPOST_HOME, else the XDG one). None when looppost is not on PATH or the database does not
# exist yet (looppost would create it), and none on any error.
function __looppost_accounts
    command -q looppost; or return 0
    set -l home $LOOPPOST_HOME
    set -l tokens (commandline -opc)
    for i in (seq (count $tokens))
        switch $tokens[$i]
            case --home
                set -l next (math $i + 1)
                set -q tokens[$next]; and set home $tokens[$next]
            case '--home=*'
                set home (string replace -- --home= '' $tokens[$i])
        end
    end
    if test -n "$home"
        set home (string replace -r '^~' $HOME "$home")
    end
    set -l db
    if test -n "$home"
        set db $home/data/looppost.db
    else if test -n "$XDG_DATA_HOME"
        set db $XDG_DATA_HOME/looppost/looppost.db
    else
        set db $HOME/.local/share/looppost/looppost.db
    end
    test -f $db; or return 0
    set -l args
    test -n "$home"; and set args --home $home
    looppost $args auth list --json </dev/null 2>/dev/null | string replace -rf '^\s*"name": "([^"]*)",?$' '$1'
end

# True when the line is "looppost … GROUP COMMAND" for a command that takes an account name and
# none is given yet.
function __looppost_wants_account
    set -l words
    set -l skip 0
    for t in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case --home --account --time-zone --mode --rename
                set skip 1
            case '-*'
            case '*'
                set -a words $t
        end
    end
    test (count $words) -eq 1; and test "$words[1]" = quota; and return 0
    test (count $words) -eq 2; or return 1
    contains -- "$words[1] $words[2]" 'auth status' 'auth refresh' 'auth logout' 'account set' 'account pause' 'account resume'
end

# IANA time zone names, from the system's zoneinfo.
function __looppost_time_zones
    set -l dir /usr/share/zoneinfo
    test -d $dir; or return 0
    find $dir/ \( -type f -o -type l \) -name '[A-Z]*' ! -path "$dir/posix/*" ! -path "$dir/right/*" 2>/dev/null |
        string replace -- $dir/ ''
end

# Global flags: accepted before or after the command.
complete -c looppost -s h -l help -d 'print help and exit'
complete -c looppost -l version -d 'print the version and exit'
complete -c looppost -l json -d 'print one JSON document on stdout'
complete -c looppost -s v -l verbose -d 'log what happens (HTTP included, secrets redacted) on stderr'
complete -c looppost -s q -l quiet -d 'print only what a human must act on'
complete -c looppost -l home -x -a '(__fish_complete_directories)' -d 'keep everything under DIR (same as LOOPPOST_HOME)'
complete -c looppost -l account -x -a '(__looppost_accounts)' -d 'the account to act on (default: the default account)'

# Commands.
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a account -d 'per-account settings: time zone, mode, default, name, pause'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a app -d 'your TikTok app: client key, sealed secret, approved scopes'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a auth -d 'connect TikTok accounts and keep their tokens fresh'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a config -d "read and change looppost's settings"
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a doctor -d "check the home, database, key, app credentials, accounts, the API's reachability and the clock"
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a media -d 'the media host photos are pulled from: set, show, test'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a enqueue -d 'check a video or photos (fixing photos where safe) and queue the post'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a queue -d 'inspect and steer the queue (default: list)'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a publish-due -d 'the cron job: publish every due post, resume anything in flight'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a purge -d 'delete for good, with a receipt: an account, leftover hosted photos, old history, everything'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a snapshot-stats -d 'the daily cron job: the counts of every public video, once a day'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a quota -d 'what TikTok still accepts now, per account'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a stats -d 'growth curves of your videos from the store: overview, one video, CSV/JSON/SVG'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a slots -d 'weekly posting times per account, for enqueue --next-slot'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a export -d 'everything looppost holds about you except secrets, as one JSON document'

# media set s3|dir | show | test
complete -c looppost -n "__fish_seen_subcommand_from media; and not __fish_seen_subcommand_from $media_commands" -a set -d 'store the media host (s3 or dir)'
complete -c looppost -n "__fish_seen_subcommand_from media; and not __fish_seen_subcommand_from $media_commands" -a show -d 'show the media host (never the secret)'
complete -c looppost -n "__fish_seen_subcommand_from media; and not __fish_seen_subcommand_from $media_commands" -a test -d 'upload a probe photo, fetch it through the public URL, delete it'
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from set; and not __fish_seen_subcommand_from s3 dir' -a s3 -d 'an S3-compatible bucket'
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from set; and not __fish_seen_subcommand_from s3 dir' -a dir -d 'a folder your web server publishes'
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from s3' -l endpoint -x -d 'the S3 API endpoint'
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from s3' -l bucket -x -d 'the bucket'
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from s3' -l region -x -d "the bucket's region"
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from s3' -l access-key-id -x -d 'the access key id'
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from s3' -l path-style -d 'address the bucket as endpoint/bucket'
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from s3' -l secret-access-key-stdin -d 'read the secret access key from stdin'
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from dir' -l path -x -a '(__fish_complete_directories)' -d 'the folder photos are written to'
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from s3 dir' -l public-base-url -x -d 'the URL that publishes the photos'
complete -c looppost -n '__fish_seen_subcommand_from media; and __fish_seen_subcommand_from s3 dir' -l prefix -x -d 'put photos under this prefix'

# app set | show
complete -c looppost -n "__fish_seen_subcommand_from app; and not __fish_seen_subcommand_from $app_commands" -a set -d "store the app's client key and secret and its approved scopes"
complete -c looppost -n "__fish_seen_subcommand_from app; and not __fish_seen_subcommand_from $app_commands" -a show -d 'show the app (never the secret)'
complete -c looppost -n '__fish_seen_subcommand_from app; and __fish_seen_subcommand_from set' -l client-key -x -d "the app's client key"
complete -c looppost -n '__fish_seen_subcommand_from app; and __fish_seen_subcommand_from set; and not __fish_seen_argument -l client-secret-file' -l client-secret-stdin -d 'read the client secret from stdin'
complete -c looppost -n '__fish_seen_subcommand_from app; and __fish_seen_subcommand_from set; and not __fish_seen_argument -l client-secret-stdin' -l client-secret-file -r -F -d 'read the client secret from FILE'
complete -c looppost -n '__fish_seen_subcommand_from app; and __fish_seen_subcommand_from set' -l scopes -x -a '(__fish_complete_list , "printf \'%s\n\' user.info.basic user.info.profile user.info.stats video.list video.upload video.publish")' -d 'scopes TikTok approved for the app, comma-separated'

# auth login | list | status | refresh | logout
complete -c looppost -n "__fish_seen_subcommand_from auth; and not __fish_seen_subcommand_from $auth_commands" -a login -d 'connect a TikTok account (QR code by default)'
complete -c looppost -n "__fish_seen_subcommand_from auth; and not __fish_seen_subcommand_from $auth_commands" -a list -d 'the connected accounts, their scopes and token expiry'
complete -c looppost -n "__fish_seen_subcommand_from auth; and not __fish_seen_subcommand_from $auth_commands" -a status -d 'check accounts against TikTok (refreshing tokens as needed)'
complete -c looppost -n "__fish_seen_subcommand_from auth; and not __fish_seen_subcommand_from $auth_commands" -a refresh -d "refresh an account's tokens now"
complete -c looppost -n "__fish_seen_subcommand_from auth; and not __fish_seen_subcommand_from $auth_commands" -a logout -d "revoke an account's authorization at TikTok and delete its tokens"
complete -c looppost -n '__fish_seen_subcommand_from auth; and __fish_seen_subcommand_from login' -l method -x -a '(printf "%s\t%s\n" qr "QR code in the terminal (default)" browser "consent page in a browser, redirect to 127.0.0.1" paste "paste the redirected address from any browser")' -d 'how the creator approves: qr (default), browser or paste'
complete -c looppost -n '__fish_seen_subcommand_from auth; and __fish_seen_subcommand_from login' -l scopes -x -a '(__fish_complete_list , "printf \'%s\n\' user.info.basic user.info.profile user.info.stats video.list video.upload video.publish")' -d "scopes to ask for (default: the app's approved scopes)"
complete -c looppost -n '__fish_seen_subcommand_from auth; and __fish_seen_subcommand_from login' -l name -x -d "the account's name in looppost (default: its TikTok username)"
complete -c looppost -n '__fish_seen_subcommand_from auth; and __fish_seen_subcommand_from login' -l port -x -d "browser: the loopback listener's port (default: any free one)"
complete -c looppost -n '__fish_seen_subcommand_from auth; and __fish_seen_subcommand_from login' -l redirect-uri -x -d 'paste: a redirect URI registered for the app'
complete -c looppost -n '__fish_seen_subcommand_from auth; and __fish_seen_subcommand_from login' -l no-browser -d 'browser: print the page instead of opening it'
complete -c looppost -n '__fish_seen_subcommand_from auth; and __fish_seen_subcommand_from login' -l timeout -x -d 'seconds to wait for each QR code or the browser (default 300)'
complete -c looppost -n '__fish_seen_subcommand_from auth; and __fish_seen_subcommand_from logout' -l local-only -d 'delete the tokens without telling TikTok (when it cannot be reached)'

# account set | pause | resume
complete -c looppost -n "__fish_seen_subcommand_from account; and not __fish_seen_subcommand_from $account_commands" -a set -d "change an account's settings"
complete -c looppost -n "__fish_seen_subcommand_from account; and not __fish_seen_subcommand_from $account_commands" -a pause -d "hold an account's posts until it is resumed"
complete -c looppost -n "__fish_seen_subcommand_from account; and not __fish_seen_subcommand_from $account_commands" -a resume -d "let a paused account's posts go again"
complete -c looppost -n '__fish_seen_subcommand_from account; and __fish_seen_subcommand_from set' -l time-zone -x -a '(__looppost_time_zones)' -d 'IANA zone for local times (e.g. Europe/Berlin)'
complete -c looppost -n '__fish_seen_subcommand_from account; and __fish_seen_subcommand_from set' -l mode -x -a 'inbox direct' -d 'default posting mode: inbox or direct'
complete -c looppost -n '__fish_seen_subcommand_from account; and __fish_seen_subcommand_from set' -l default -d 'make it the default account'
complete -c looppost -n '__fish_seen_subcommand_from account; and __fish_seen_subcommand_from set' -l rename -x -d 'give it a new name'

# The account name after quota, auth status | refresh | logout and account set | pause | resume.
complete -c looppost -n __looppost_wants_account -a '(__looppost_accounts)' -d account

# config get | set | unset | list
complete -c looppost -n "__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from $config_commands" -a get -d "print a setting's effective value"
complete -c looppost -n "__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from $config_commands" -a set -d 'store a setting'
complete -c looppost -n "__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from $config_commands" -a unset -d 'remove a stored setting (back to its default)'
complete -c looppost -n "__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from $config_commands" -a list -d 'every setting with its value and where it comes from'
# The setting name after get, set or unset (once).
complete -c looppost -n "__fish_seen_subcommand_from config; and __fish_seen_subcommand_from get set unset; and not __fish_seen_subcommand_from $settings" -a "$settings" -d setting
# The value after config set key_mode / log_file.
complete -c looppost -n '__fish_seen_subcommand_from config; and __fish_seen_subcommand_from set; and __fish_seen_subcommand_from key_mode' -a 'file passphrase' -d 'key mode'
complete -c looppost -n '__fish_seen_subcommand_from config; and __fish_seen_subcommand_from set; and __fish_seen_subcommand_from log_file' -F
complete -c looppost -n '__fish_seen_subcommand_from config; and __fish_seen_subcommand_from set; and __fish_seen_subcommand_from notify_command' -a '(__fish_complete_command)'

# The post options of enqueue and queue edit.
function __looppost_post_options
    __fish_seen_subcommand_from enqueue; and return 0
    __fish_seen_subcommand_from queue; and __fish_seen_subcommand_from edit
end
complete -c looppost -n __looppost_post_options -l caption -x -d 'video caption or photo description ("-": read it from stdin)'
complete -c looppost -n __looppost_post_options -l caption-file -r -F -d 'read the caption from FILE'
complete -c looppost -n __looppost_post_options -l title -x -d 'photo title (at most 90 UTF-16 units)'
complete -c looppost -n __looppost_post_options -l at -x -a now -d 'when: ISO 8601 with offset, "YYYY-MM-DD HH:MM", +90m/+2h/+1d, or now'
complete -c looppost -n __looppost_post_options -l mode -x -a 'inbox\t"a draft to finish in the app" direct\t"published straight to the profile"' -d 'inbox or direct'
complete -c looppost -n __looppost_post_options -l privacy -x -a 'public friends followers private' -d 'direct posts: who may see the post (no default)'
complete -c looppost -n __looppost_post_options -l allow-comments -d 'let viewers comment'
complete -c looppost -n __looppost_post_options -l no-allow-comments -d 'do not let viewers comment'
complete -c looppost -n __looppost_post_options -l allow-duet -d 'let viewers duet (videos)'
complete -c looppost -n __looppost_post_options -l no-allow-duet -d 'do not let viewers duet'
complete -c looppost -n __looppost_post_options -l allow-stitch -d 'let viewers stitch (videos)'
complete -c looppost -n __looppost_post_options -l no-allow-stitch -d 'do not let viewers stitch'
complete -c looppost -n __looppost_post_options -l auto-music -d 'let TikTok add music (photos)'
complete -c looppost -n __looppost_post_options -l no-auto-music -d 'do not let TikTok add music'
complete -c looppost -n __looppost_post_options -l brand-organic -d 'disclose: promotes your own brand'
complete -c looppost -n __looppost_post_options -l no-brand-organic -d 'no own-brand disclosure'
complete -c looppost -n __looppost_post_options -l brand-content -d 'disclose: paid partnership (cannot be private)'
complete -c looppost -n __looppost_post_options -l no-brand-content -d 'no paid-partnership disclosure'
complete -c looppost -n __looppost_post_options -l aigc -d 'label as AI-generated content (videos)'
complete -c looppost -n __looppost_post_options -l no-aigc -d 'no AI-generated label'
complete -c looppost -n __looppost_post_options -l cover-index -x -d 'photos: the cover photo, from 0'
complete -c looppost -n __looppost_post_options -l cover-ms -x -d "videos: the cover frame's time in ms"

# enqueue
complete -c looppost -n '__fish_seen_subcommand_from enqueue' -l video -r -F -d 'the video file (MP4, MOV or WebM)'
complete -c looppost -n '__fish_seen_subcommand_from enqueue' -l photo -r -F -d '1 to 35 photos, in carousel order'
complete -c looppost -n '__fish_seen_subcommand_from enqueue' -l from -r -F -d 'bulk: a JSONL or CSV file of posts ("-": stdin)'
complete -c looppost -n '__fish_seen_subcommand_from enqueue' -l format -x -a 'jsonl csv' -d "bulk: the file's format when its name does not say"
complete -c looppost -n '__fish_seen_subcommand_from enqueue' -l next-slot -d "at the account's next posting slot after its last queued post"
complete -c looppost -n '__fish_seen_subcommand_from enqueue' -l key -x -d 'idempotency key (default: a hash of account, media, text, mode, privacy, time)'
complete -c looppost -n '__fish_seen_subcommand_from enqueue' -l no-fix -d 'refuse photos that need fixing instead of fixing them'
complete -c looppost -n '__fish_seen_subcommand_from enqueue' -l dry-run -d 'check and show the post; store nothing'
complete -c looppost -n '__fish_seen_subcommand_from enqueue' -l yes -d "direct posts: accept TikTok's declaration without asking"
complete -c looppost -n '__fish_seen_subcommand_from queue; and __fish_seen_subcommand_from edit' -l yes -d "direct posts: accept TikTok's declaration without asking"
# enqueue takes no argument: a word that is not a flag is one more photo.
complete -c looppost -n '__fish_seen_subcommand_from enqueue; and __fish_seen_argument -l photo' -F

# queue [list] | show | edit | cancel | retry | reschedule
complete -c looppost -n "__fish_seen_subcommand_from queue; and not __fish_seen_subcommand_from $queue_commands" -a list -d 'list posts, soonest first (the default)'
complete -c looppost -n "__fish_seen_subcommand_from queue; and not __fish_seen_subcommand_from $queue_commands" -a show -d 'everything about a post, with its history'
complete -c looppost -n "__fish_seen_subcommand_from queue; and not __fish_seen_subcommand_from $queue_commands" -a edit -d 'change a post that has not started publishing (media and key stay)'
complete -c looppost -n "__fish_seen_subcommand_from queue; and not __fish_seen_subcommand_from $queue_commands" -a cancel -d 'cancel a post that is not being published'
complete -c looppost -n "__fish_seen_subcommand_from queue; and not __fish_seen_subcommand_from $queue_commands" -a retry -d 'queue a failed or needs_attention post again'
complete -c looppost -n "__fish_seen_subcommand_from queue; and not __fish_seen_subcommand_from $queue_commands" -a reschedule -d 'give a post a new time'
# The filters of queue and queue list.
set -l queue_list_condition "__fish_seen_subcommand_from queue; and not __fish_seen_subcommand_from show edit cancel retry reschedule"
complete -c looppost -n $queue_list_condition -l state -x -a "(__fish_complete_list , 'printf \'%s\n\' $states')" -d 'only posts in these states (comma-separated, or all)'
complete -c looppost -n $queue_list_condition -l due-before -x -d 'only posts due before TIME'
complete -c looppost -n $queue_list_condition -l limit -x -d 'show at most N posts (default 50)'
complete -c looppost -n '__fish_seen_subcommand_from queue; and __fish_seen_subcommand_from reschedule' -l at -x -a now -d 'the new time (same forms as enqueue --at)'

# slots add | list | remove
complete -c looppost -n "__fish_seen_subcommand_from slots; and not __fish_seen_subcommand_from $slots_commands" -a add -d "add weekly slots in the account's zone: \"mon,wed,fri 18:00\""
complete -c looppost -n "__fish_seen_subcommand_from slots; and not __fish_seen_subcommand_from $slots_commands" -a list -d "the slots, with each one's next time"
complete -c looppost -n "__fish_seen_subcommand_from slots; and not __fish_seen_subcommand_from $slots_commands" -a remove -d 'remove a slot'

# stats
complete -c looppost -n '__fish_seen_subcommand_from stats' -l post -x -d 'the curve of the video a queued post became'
complete -c looppost -n '__fish_seen_subcommand_from stats' -l since -x -d 'the window: a day (2026-11-01) or days back (30d)'
complete -c looppost -n '__fish_seen_subcommand_from stats' -l sort -x -a 'date views likes growth' -d 'overview order'
complete -c looppost -n '__fish_seen_subcommand_from stats' -l limit -x -d 'at most N videos in the overview (0: all)'
complete -c looppost -n '__fish_seen_subcommand_from stats' -l csv -d 'one CSV row per video per day, with a header row'
complete -c looppost -n '__fish_seen_subcommand_from stats' -l svg -r -F -d 'also write the chart as a self-contained SVG file'
complete -c looppost -n '__fish_seen_subcommand_from stats' -l best-times -d 'the posting hours and weekdays whose posts grew fastest in their first 24 h'

# purge
complete -c looppost -n '__fish_seen_subcommand_from purge' -l hosted-media -d 'delete every hosted photo TikTok no longer needs'
complete -c looppost -n '__fish_seen_subcommand_from purge' -l older-than -x -d 'finished posts and history older than AGE (90d, 12w, 36h)'
complete -c looppost -n '__fish_seen_subcommand_from purge' -l everything -d 'every account, hosted photo, the database and local media'
complete -c looppost -n '__fish_seen_subcommand_from purge' -l including-key -d 'with --everything: the key file too'
complete -c looppost -n '__fish_seen_subcommand_from purge' -l dry-run -d 'print the plan; change nothing'
complete -c looppost -n '__fish_seen_subcommand_from purge' -l yes -d 'do not ask'

# export
complete -c looppost -n '__fish_seen_subcommand_from export' -l output -r -F -d 'write the document to FILE (atomically, mode 0600) instead of stdout'
complete -c looppost -n '__fish_seen_subcommand_from export' -l with-media -x -a '(__fish_complete_directories)' -d 'also copy the local media files into DIR (new or empty)'

# publish-due
complete -c looppost -n '__fish_seen_subcommand_from publish-due' -l limit -x -d 'publish at most N posts in this run'
complete -c looppost -n '__fish_seen_subcommand_from publish-due' -l dry-run -d 'show the requests each due post would send; change nothing'
complete -c looppost -n '__fish_seen_subcommand_from publish-due' -l jobs -x -d 'accounts to work on at once (1 to 64; default: the jobs setting)'
