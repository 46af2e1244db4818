#include <looppost/store/migrations.hpp>

namespace looppost::store {

// Never edit a shipped migration: append a new one.
const std::vector<Migration>& migrations() {
    static const std::vector<Migration> all = {
        {1, "meta, settings and the app", R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE settings (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE app (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    client_key    TEXT NOT NULL,
    client_secret BLOB NOT NULL,   -- sealed, associated data "app/1/client_secret"
    scopes        TEXT NOT NULL,   -- comma-separated, as approved for the app
    updated_at    INTEGER NOT NULL
) STRICT;
)sql"},
        {2, "accounts and the event trail", R"sql(
CREATE TABLE accounts (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE,
    open_id             TEXT NOT NULL UNIQUE,
    display_name        TEXT,
    username            TEXT,
    scopes              TEXT NOT NULL DEFAULT '',   -- as granted by TikTok
    access_token        BLOB,                       -- sealed
    access_expires_at   INTEGER,
    refresh_token       BLOB,                       -- sealed
    refresh_expires_at  INTEGER,
    time_zone           TEXT,
    mode                TEXT NOT NULL DEFAULT 'inbox' CHECK (mode IN ('inbox', 'direct')),
    state               TEXT NOT NULL DEFAULT 'active'
                        CHECK (state IN ('active', 'reauth_required', 'paused')),
    is_default          INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    refresh_lease_owner TEXT,
    refresh_lease_until INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX accounts_one_default ON accounts (is_default) WHERE is_default = 1;

CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    post_id    INTEGER,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX events_by_account ON events (account_id, at);
)sql"},
        {3, "refresh bookkeeping on accounts", R"sql(
-- The day the user was last warned that the refresh token expires soon (once a day).
ALTER TABLE accounts ADD COLUMN refresh_warned_on TEXT;
-- Set when a refresh request got no answer: TikTok may have rotated the refresh token, so a
-- later invalid_grant is not proof that the user revoked access (DESIGN §6).
ALTER TABLE accounts ADD COLUMN refresh_in_doubt INTEGER NOT NULL DEFAULT 0
    CHECK (refresh_in_doubt IN (0, 1));
)sql"},
        {4, "pause apart from the login state", R"sql(
-- A pause is the user's choice and must survive a lost or renewed login, so it is no longer a
-- value of `state` (which now says only whether TikTok still honours the login).
ALTER TABLE accounts ADD COLUMN paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1));
UPDATE accounts SET paused = 1, state = 'active' WHERE state = 'paused';
)sql"},
    };
    return all;
}

} // namespace looppost::store
