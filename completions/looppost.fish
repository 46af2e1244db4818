# fish completion for looppost(1). Installed as fish/vendor_completions.d/looppost.fish.
# A unit test (tests/unit/test_cli_docs.cpp) checks that every command and long
# flag of the CLI11 tree is listed here.

set -l commands app config doctor
set -l app_commands set show
set -l config_commands get set unset list
set -l settings api_base auth_base http_timeout http_attempts key_mode log_file

complete -c looppost -f

# Global flags: accepted before or after the command.
complete -c looppost -s h -l help -d 'print help and exit'
complete -c looppost -l version -d 'print the version and exit'
complete -c looppost -l json -d 'print one JSON document on stdout'
complete -c looppost -s v -l verbose -d 'log what happens (HTTP included, secrets redacted) on stderr'
complete -c looppost -s q -l quiet -d 'print only what a human must act on'
complete -c looppost -l home -x -a '(__fish_complete_directories)' -d 'keep everything under DIR (same as LOOPPOST_HOME)'
complete -c looppost -l account -x -d 'the account to act on (default: the default account)'

# Commands.
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a app -d 'your TikTok app: client key, sealed secret, approved scopes'
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a config -d "read and change looppost's settings"
complete -c looppost -n "not __fish_seen_subcommand_from $commands" -a doctor -d "check the home, database, key, app credentials, the API's reachability and the clock"

# app set | show
complete -c looppost -n "__fish_seen_subcommand_from app; and not __fish_seen_subcommand_from $app_commands" -a set -d "store the app's client key and secret and its approved scopes"
complete -c looppost -n "__fish_seen_subcommand_from app; and not __fish_seen_subcommand_from $app_commands" -a show -d 'show the app (never the secret)'
complete -c looppost -n '__fish_seen_subcommand_from app; and __fish_seen_subcommand_from set' -l client-key -x -d "the app's client key"
complete -c looppost -n '__fish_seen_subcommand_from app; and __fish_seen_subcommand_from set; and not __fish_seen_argument -l client-secret-file' -l client-secret-stdin -d 'read the client secret from stdin'
complete -c looppost -n '__fish_seen_subcommand_from app; and __fish_seen_subcommand_from set; and not __fish_seen_argument -l client-secret-stdin' -l client-secret-file -r -F -d 'read the client secret from FILE'
complete -c looppost -n '__fish_seen_subcommand_from app; and __fish_seen_subcommand_from set' -l scopes -x -a '(__fish_complete_list , "printf \'%s\n\' user.info.basic user.info.profile user.info.stats video.list video.upload video.publish")' -d 'scopes TikTok approved for the app, comma-separated'

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
