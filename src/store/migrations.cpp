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
        {5, "the queue: posts, media and slots", R"sql(
-- Local media copies, content-addressed by the sha256 of the stored (normalised) bytes
-- (DESIGN §4). The row outlives the file: a finished post still says what it carried.
CREATE TABLE media (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('video', 'photo')),
    bytes       INTEGER NOT NULL,
    mime        TEXT NOT NULL,
    width       INTEGER,
    height      INTEGER,
    duration_ms INTEGER,
    created_at  INTEGER NOT NULL
) STRICT;

-- Originals already checked and normalised: enqueueing the same file again skips the work.
CREATE TABLE media_origins (
    sha256   TEXT PRIMARY KEY,                  -- of the original bytes
    media_id INTEGER NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    changes  TEXT NOT NULL DEFAULT ''           -- JSON array of what normalising changed; '' = none
) STRICT, WITHOUT ROWID;

CREATE TABLE posts (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('video', 'photo')),
    mode            TEXT NOT NULL CHECK (mode IN ('inbox', 'direct')),
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'publishing', 'deferred', 'published', 'in_inbox',
                                     'failed', 'needs_attention', 'cancelled')),
    caption         TEXT NOT NULL DEFAULT '',
    title           TEXT,
    privacy         TEXT CHECK (privacy IN ('PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS',
                                            'FOLLOWER_OF_CREATOR', 'SELF_ONLY')),
    options         TEXT NOT NULL DEFAULT '{}',  -- JSON: toggles, cover
    due_at          INTEGER NOT NULL,
    at_text         TEXT NOT NULL,               -- as given: "+2h", "now", "next-slot", …
    key             TEXT NOT NULL,               -- idempotency key, unique per account
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    lease_owner     TEXT,
    lease_until     INTEGER,
    publish_id      TEXT,
    upload_offset   INTEGER NOT NULL DEFAULT 0,
    post_ids        TEXT NOT NULL DEFAULT '[]',  -- JSON array of TikTok's public post ids
    error_code      TEXT,
    error_message   TEXT,
    error_log_id    TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX posts_by_key ON posts (account_id, key);
CREATE INDEX posts_by_due ON posts (due_at, id);
CREATE INDEX posts_by_account ON posts (account_id, due_at);
CREATE INDEX posts_by_state ON posts (state, due_at);

CREATE TABLE post_media (
    post_id      INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    media_id     INTEGER NOT NULL REFERENCES media (id),
    hosted_key   TEXT,
    hosted_url   TEXT,
    hosted_state TEXT,
    PRIMARY KEY (post_id, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX post_media_by_media ON post_media (media_id);

-- Weekly posting times in the account's zone: days is a mask (bit 0 = Monday).
CREATE TABLE slots (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    days       INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
    minute     INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, days, minute)
) STRICT;

CREATE INDEX events_by_post ON events (post_id, id) WHERE post_id IS NOT NULL;
)sql"},
        {6, "the media host", R"sql(
-- Where photos are hosted for TikTok to pull (DESIGN §1.3): one row, kind s3 or dir.
CREATE TABLE media_host (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    kind            TEXT NOT NULL CHECK (kind IN ('s3', 'dir')),
    public_base_url TEXT NOT NULL,
    path            TEXT,              -- dir: the folder the web server publishes
    endpoint        TEXT,              -- s3
    bucket          TEXT,
    region          TEXT,
    access_key_id   TEXT,
    secret_key      BLOB,              -- sealed, associated data "media_host/1/secret_key"
    prefix          TEXT NOT NULL DEFAULT '',
    path_style      INTEGER NOT NULL DEFAULT 0,
    updated_at      INTEGER NOT NULL
) STRICT;
)sql"},
        {7, "publishing: the steps of a publish, quotas", R"sql(
-- The steps inside `publishing` (DESIGN §5), each persisted before the next begins.
ALTER TABLE posts ADD COLUMN init_sent_at INTEGER;     -- the init request went out (I3)
ALTER TABLE posts ADD COLUMN upload_url BLOB;          -- sealed, AD "posts/<id>/upload_url"
ALTER TABLE posts ADD COLUMN upload_url_until INTEGER; -- TikTok keeps it for an hour
ALTER TABLE posts ADD COLUMN uploaded_at INTEGER;      -- every byte arrived (201)
ALTER TABLE posts ADD COLUMN finished_at INTEGER;      -- reached published/in_inbox/failed

-- Calls made to TikTok's limited endpoints, per account (DESIGN §5): a run counts them before
-- calling and defers instead of hitting the limit. Rows older than a day are pruned.
CREATE TABLE quota_calls (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,  -- init | creator_info | status | direct | inbox
    at         INTEGER NOT NULL
) STRICT;
CREATE INDEX quota_calls_by_kind ON quota_calls (account_id, kind, at);

-- Cool-downs TikTok imposed (429, daily caps): nothing of that kind is tried before `until`.
-- A NULL account is the app as a whole (reached_active_user_cap).
CREATE TABLE quota_holds (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    until      INTEGER NOT NULL,
    reason     TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX quota_holds_one ON quota_holds (ifnull(account_id, 0), kind);
)sql"},
        {8, "stats: videos and their daily snapshots", R"sql(
-- The creator's public videos as TikTok lists them (reference §5). TikTok's ids exceed 2^53, so
-- they are kept as text, digits exactly as TikTok sent them.
CREATE TABLE videos (
    id          TEXT PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    post_id     INTEGER REFERENCES posts (id) ON DELETE SET NULL,  -- the queue item it came from
    title       TEXT,
    description TEXT,
    create_time INTEGER NOT NULL,  -- unix seconds, TikTok's
    duration    INTEGER,           -- seconds
    share_url   TEXT,
    first_seen  INTEGER NOT NULL,  -- unix seconds, looppost's
    last_seen   INTEGER NOT NULL
) STRICT;
CREATE INDEX videos_by_account ON videos (account_id, create_time);
CREATE INDEX videos_by_post ON videos (post_id) WHERE post_id IS NOT NULL;

-- One row per video per day: `day` is YYYY-MM-DD in the account's zone, and a second snapshot on
-- the same day replaces the first. The primary key is also a video's series, in day order.
CREATE TABLE snapshots (
    video_id TEXT NOT NULL REFERENCES videos (id) ON DELETE CASCADE,
    day      TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    views    INTEGER,  -- NULL: TikTok did not say
    likes    INTEGER,
    comments INTEGER,
    shares   INTEGER,
    taken_at INTEGER NOT NULL,
    PRIMARY KEY (video_id, day)
) STRICT, WITHOUT ROWID;

-- The account's totals per day (user.info.stats), same rules.
CREATE TABLE account_snapshots (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    day        TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    followers  INTEGER,
    following  INTEGER,
    likes      INTEGER,
    videos     INTEGER,
    taken_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, day)
) STRICT, WITHOUT ROWID;
)sql"},
        {9, "purge: hosted objects whose rows were purged before the host confirmed", R"sql(
-- An object looppost put on the media host for TikTok to pull, whose post a purge removed while
-- the host could not be reached: only its name is kept, so `purge --hosted-media` can finish.
-- The names are random (make_object_key): they say nothing about the user.
CREATE TABLE hosted_leftovers (
    key    TEXT PRIMARY KEY,
    url    TEXT,
    since  INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
) STRICT;
)sql"},
    };
    return all;
}

} // namespace looppost::store
