-- The county's side: restoring a lost kiosk, credits decided at the county
-- that go down to the kiosk, and the county staff who read the overview.

-- The one-time restore code of a kiosk (the latest issued replaces any
-- earlier one), stored as its SHA-256 until used, expired or guessed at.
CREATE TABLE restore_code (
    kiosk      text PRIMARY KEY REFERENCES kiosk (county_id),
    code_hash  bytea NOT NULL CHECK (octet_length(code_hash) = 32),
    issued_by  text NOT NULL,
    issued_at  timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    failures   integer NOT NULL DEFAULT 0
);

-- Every restore made: who issued the code, who asked (the address the
-- request came from), when, and the head the kiosk was given.
CREATE TABLE restore (
    id         bigserial PRIMARY KEY,
    kiosk      text NOT NULL REFERENCES kiosk (county_id),
    issued_by  text NOT NULL,
    requested_from text NOT NULL,
    head_seq   bigint NOT NULL,
    head_hash  bytea NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX restore_kiosk ON restore (kiosk, at);

-- Credits imported at the county, keyed as the kiosk keys a credit
-- (household, period, source), waiting until an uploaded entry holds that
-- key; taken_seq is then the seq of the kiosk's credit entry.
CREATE TABLE pending_credit (
    kiosk       text NOT NULL REFERENCES kiosk (county_id),
    household   text NOT NULL,
    period      text NOT NULL,
    source      text NOT NULL,
    -- Hundredths of a point, as everywhere.
    amount      bigint NOT NULL CHECK (amount > 0),
    reason      text,
    imported_by text NOT NULL,
    imported_at timestamptz NOT NULL DEFAULT now(),
    file_sha256 bytea NOT NULL,
    taken_seq   bigint,
    PRIMARY KEY (kiosk, household, period, source)
);
CREATE INDEX pending_credit_waiting ON pending_credit (kiosk) WHERE taken_seq IS NULL;

-- County staff: named accounts, the password as PBKDF2-HMAC-SHA256.
CREATE TABLE county_user (
    name          text PRIMARY KEY,
    salt          bytea NOT NULL,
    iterations    integer NOT NULL CHECK (iterations >= 100000),
    password_hash bytea NOT NULL CHECK (octet_length(password_hash) = 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    disabled      boolean NOT NULL DEFAULT false
);

-- Every page view and download of the overview, and every refused try.
CREATE TABLE access_log (
    id        bigserial PRIMARY KEY,
    user_name text,
    method    text NOT NULL,
    path      text NOT NULL,
    status    integer NOT NULL,
    remote    text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX access_log_at ON access_log (at);
