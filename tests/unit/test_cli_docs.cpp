// The man page and the shell completions are part of the build (STYLE rule 10): every command and
// long flag of the CLI11 tree must be in man/looppost.1 and in each completion file.

#include <cctype>
#include <doctest/doctest.h>
#include <fstream>
#include <looppost/cli/app.hpp>
#include <looppost/core/settings.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Command {
    std::string path;                    ///< "" for looppost itself, else "config set"
    bool leaf = false;                   ///< has no subcommands of its own
    std::vector<std::string> long_flags; ///< "--client-secret-stdin"; --help left out
};

bool is_named(const CLI::App* app) {
    return !app->get_name().empty();
}

void add_flags(const CLI::App& app, Command& cmd) {
    for (const CLI::Option* opt : app.get_options()) {
        for (const auto& name : opt->get_lnames()) {
            if (name != "help") {
                cmd.long_flags.push_back("--" + name);
            }
        }
    }
    // Option groups are unnamed subcommands whose options belong to this command.
    for (const CLI::App* group :
         app.get_subcommands([](const CLI::App* a) { return !is_named(a); })) {
        add_flags(*group, cmd);
    }
}

void walk(const CLI::App& app, const std::string& path, std::vector<Command>& out) {
    auto subs = app.get_subcommands([](const CLI::App* a) { return is_named(a); });
    Command cmd{path, subs.empty(), {}};
    add_flags(app, cmd);
    out.push_back(cmd);
    for (const CLI::App* sub : subs) {
        walk(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
    }
}

// Every command of the tree that make_app builds, looppost itself first.
std::vector<Command> command_tree() {
    looppost::core::GlobalOptions globals;
    looppost::cli::Action action;
    auto app = looppost::cli::make_app(globals, action);
    std::vector<Command> out;
    walk(*app, "", out);
    return out;
}

std::string read_source_file(const std::string& relative) {
    std::string path = std::string(LOOPPOST_SOURCE_DIR) + "/" + relative;
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) {
        s.replace(pos, from.size(), to);
    }
}

// The man source as a reader sees the words: \- is a hyphen, font changes and \& vanish.
std::string man_text(std::string src) {
    replace_all(src, "\\-", "-");
    for (const char* esc : {"\\fB", "\\fI", "\\fR", "\\fP", "\\&"}) {
        replace_all(src, esc, "");
    }
    return src;
}

bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

// `word` occurs in `text` and is not part of a longer word ("--home" is not in "--home-dir").
bool has_word(const std::string& text, const std::string& word) {
    for (size_t pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + 1)) {
        bool starts = pos == 0 || !word_char(text[pos - 1]);
        size_t end = pos + word.size();
        // A trailing '.' ends a sentence; it does not extend the word.
        bool ends = end == text.size() || !word_char(text[end]) ||
                    (text[end] == '.' && (end + 1 == text.size() || !word_char(text[end + 1])));
        if (starts && ends) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::string strip_quotes(std::string s) {
    replace_all(s, "\"", "");
    return s;
}

// The headings of one .SH section: its .SS lines, or the tags that follow its .TP lines.
std::vector<std::string> section_items(const std::string& man, const std::string& section,
                                       const std::string& kind) {
    std::vector<std::string> items;
    auto lines = lines_of(man);
    bool inside = false;
    for (size_t i = 0; i < lines.size(); ++i) {
        const auto& line = lines[i];
        if (line.rfind(".SH", 0) == 0) {
            inside = strip_quotes(line.substr(3)).find(section) != std::string::npos;
            continue;
        }
        if (!inside) {
            continue;
        }
        if (kind == ".SS" && line.rfind(".SS ", 0) == 0) {
            items.push_back(strip_quotes(line.substr(4)));
        }
        if (kind == ".TP" && line.rfind(".TP", 0) == 0 && i + 1 < lines.size()) {
            items.push_back(lines[i + 1]);
        }
    }
    return items;
}

bool any_has_word(const std::vector<std::string>& items, const std::string& word) {
    for (const auto& item : items) {
        if (has_word(item, word)) {
            return true;
        }
    }
    return false;
}

struct CompletionFile {
    std::string name;
    std::string text;
    // How the file spells a long flag: "--scopes" (bash, zsh) or "-l scopes" (fish).
    std::string spell(const std::string& flag) const {
        return name.find(".fish") != std::string::npos ? "-l " + flag.substr(2) : flag;
    }
};

std::vector<CompletionFile> completion_files() {
    std::vector<CompletionFile> files;
    for (const char* name :
         {"completions/looppost.bash", "completions/_looppost", "completions/looppost.fish"}) {
        files.push_back({name, read_source_file(name)});
    }
    return files;
}

std::vector<std::string> words_of(const std::string& path) {
    std::vector<std::string> words;
    std::istringstream in(path);
    for (std::string w; in >> w;) {
        words.push_back(w);
    }
    return words;
}

} // namespace

TEST_CASE("the tree the man page and completions are checked against has commands and flags") {
    auto tree = command_tree();
    REQUIRE(tree.size() > 1);
    CHECK(tree.front().path.empty());
    bool found = false;
    for (const auto& cmd : tree) {
        for (const auto& flag : cmd.long_flags) {
            found = found || (cmd.path == "app set" && flag == "--client-secret-stdin");
            CHECK(flag != "--help");
        }
    }
    CHECK(found);
}

TEST_CASE("every command and long flag is in the man page") {
    std::string man = man_text(read_source_file("man/looppost.1"));
    for (const auto& cmd : command_tree()) {
        if (!cmd.path.empty()) {
            CHECK_MESSAGE(has_word(man, cmd.path),
                          "man/looppost.1 lacks the command \"" << cmd.path << "\"");
        }
        for (const auto& flag : cmd.long_flags) {
            CHECK_MESSAGE(has_word(man, flag), "man/looppost.1 lacks "
                                                   << flag << " of \""
                                                   << (cmd.path.empty() ? "looppost" : cmd.path)
                                                   << "\"");
        }
    }
}

TEST_CASE("every command has a man page subsection and every long flag an item of its own") {
    std::string man = man_text(read_source_file("man/looppost.1"));
    auto headings = section_items(man, "COMMANDS", ".SS");
    auto global_items = section_items(man, "GLOBAL OPTIONS", ".TP");
    auto command_items = section_items(man, "COMMANDS", ".TP");
    for (const auto& cmd : command_tree()) {
        if (cmd.leaf && !cmd.path.empty()) {
            bool has_heading = false;
            for (const auto& h : headings) {
                has_heading = has_heading || h == cmd.path || h.rfind(cmd.path + " ", 0) == 0;
            }
            CHECK_MESSAGE(has_heading, "man/looppost.1 has no .SS for \"" << cmd.path << "\"");
        }
        for (const auto& flag : cmd.long_flags) {
            const auto& items = cmd.path.empty() ? global_items : command_items;
            CHECK_MESSAGE(any_has_word(items, flag),
                          "man/looppost.1 documents "
                              << flag << " in no .TP item of "
                              << std::string(cmd.path.empty() ? "GLOBAL OPTIONS" : "COMMANDS"));
        }
    }
}

TEST_CASE("the man page documents no command the CLI lacks") {
    std::string man = man_text(read_source_file("man/looppost.1"));
    auto tree = command_tree();
    for (const auto& heading : section_items(man, "COMMANDS", ".SS")) {
        bool known = false;
        for (const auto& cmd : tree) {
            known = known || (cmd.leaf && !cmd.path.empty() &&
                              (heading == cmd.path || heading.rfind(cmd.path + " ", 0) == 0));
        }
        CHECK_MESSAGE(known, "man/looppost.1 documents \"" << heading << "\", which is no command");
    }
}

TEST_CASE("every setting, exit status and JSON error code is in the man page") {
    std::string man = man_text(read_source_file("man/looppost.1"));
    auto setting_items = section_items(man, "SETTINGS", ".TP");
    auto env_items = section_items(man, "ENVIRONMENT", ".TP");
    for (const auto& key : looppost::core::setting_keys()) {
        std::string name(key.name);
        CHECK_MESSAGE(any_has_word(setting_items, name), "SETTINGS lacks " << name);
        if (!key.env.empty()) {
            CHECK_MESSAGE(any_has_word(env_items, std::string(key.env)),
                          "ENVIRONMENT lacks " << key.env);
        }
    }
    using looppost::Exit;
    auto status_items = section_items(man, "EXIT STATUS", ".TP");
    auto json_items = section_items(man, "JSON OUTPUT", ".TP");
    for (Exit e :
         {Exit::ok, Exit::failed, Exit::usage, Exit::bad_input, Exit::no_input, Exit::unavailable,
          Exit::deferred, Exit::reauth_required, Exit::config_missing}) {
        CHECK_MESSAGE(any_has_word(status_items, std::to_string(static_cast<int>(e))),
                      "EXIT STATUS lacks " << static_cast<int>(e));
        if (e != Exit::ok) {
            CHECK_MESSAGE(any_has_word(json_items, std::string(looppost::exit_name(e))),
                          "JSON OUTPUT lacks the code " << looppost::exit_name(e));
        }
    }
    CHECK(any_has_word(json_items, std::string(looppost::Fatal("x").code())));
}

TEST_CASE("every command and long flag is in each completion file") {
    auto tree = command_tree();
    for (const auto& file : completion_files()) {
        for (const auto& cmd : tree) {
            for (const auto& word : words_of(cmd.path)) {
                CHECK_MESSAGE(has_word(file.text, word),
                              file.name << " lacks the command \"" << cmd.path << "\"");
            }
            for (const auto& flag : cmd.long_flags) {
                CHECK_MESSAGE(has_word(file.text, file.spell(flag)),
                              file.name << " lacks " << flag << " of \""
                                        << (cmd.path.empty() ? "looppost" : cmd.path) << "\"");
            }
        }
    }
}

TEST_CASE("every setting name is offered by each completion file") {
    for (const auto& file : completion_files()) {
        for (const auto& key : looppost::core::setting_keys()) {
            CHECK_MESSAGE(has_word(file.text, std::string(key.name)),
                          file.name << " does not complete the setting " << key.name);
        }
    }
}
