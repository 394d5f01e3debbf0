package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/netfolio/netfolio/portfolio"
)

// Login throttling: the 6th failure within a minute, per user name or per address, is refused.
const (
	MaxLoginFailures = 5
	LoginWindow      = time.Minute
	SessionLifetime  = 30 * 24 * time.Hour
)

// Errors of authentication.
var (
	ErrBadCredentials = errors.New("wrong user name or password")
	ErrThrottled      = errors.New("too many failed logins; try again in a minute")
)

var usernameSyntax = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

type userRow struct {
	ID           int64 `gorm:"primaryKey"`
	Username     string
	PasswordHash string
	BaseCurrency string
	Admin        bool
	CreatedAt    time.Time
}

func (userRow) TableName() string { return "users" }

func (u userRow) user() portfolio.User {
	return portfolio.User{ID: u.ID, Username: u.Username, BaseCurrency: u.BaseCurrency, Admin: u.Admin, CreatedAt: u.CreatedAt}
}

// NewUser is what it takes to create a user.
type NewUser struct {
	Username     string
	Password     string
	BaseCurrency string // EUR when empty
	Admin        bool
}

// Validate checks the new user's fields.
func (n *NewUser) Validate() error {
	f := portfolio.Fields{}
	if !usernameSyntax.MatchString(n.Username) {
		f.Add("username", "must be 1–64 letters, digits or . _ @ -, starting with a letter or digit")
	}
	if len(n.Password) < 8 {
		f.Add("password", "must be at least 8 characters")
	} else if len(n.Password) > 1024 {
		f.Add("password", "must be at most 1024 characters")
	}
	if n.BaseCurrency == "" {
		n.BaseCurrency = "EUR"
	}
	if !portfolio.ValidCurrency(n.BaseCurrency) {
		f.Add("base_currency", "must be 2–10 upper-case letters or digits")
	}
	return f.Err()
}

// CreateUser adds a user; a taken name is a *ConflictError.
func (s *Store) CreateUser(ctx context.Context, n NewUser) (portfolio.User, error) {
	if err := n.Validate(); err != nil {
		return portfolio.User{}, err
	}
	hash, err := HashPassword(n.Password)
	if err != nil {
		return portfolio.User{}, err
	}
	row := userRow{Username: n.Username, PasswordHash: hash, BaseCurrency: n.BaseCurrency, Admin: n.Admin}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return portfolio.User{}, &ConflictError{Message: "user name is taken", Field: "username"}
		}
		return portfolio.User{}, fmt.Errorf("create user: %w", err)
	}
	return row.user(), nil
}

// User returns the user with the id.
func (s *Store) User(ctx context.Context, id int64) (portfolio.User, error) {
	var row userRow
	err := s.r.WithContext(ctx).Where("id = ?", id).Take(&row).Error
	return row.user(), notFound(err)
}

// UserByName returns the user with the name.
func (s *Store) UserByName(ctx context.Context, username string) (portfolio.User, error) {
	var row userRow
	err := s.r.WithContext(ctx).Where("username = ?", username).Take(&row).Error
	return row.user(), notFound(err)
}

// Users lists every user.
func (s *Store) Users(ctx context.Context) ([]portfolio.User, error) {
	var rows []userRow
	if err := s.r.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	users := make([]portfolio.User, len(rows))
	for i, r := range rows {
		users[i] = r.user()
	}
	return users, nil
}

type loginFailure struct {
	ID  int64 `gorm:"primaryKey"`
	Key string
	At  time.Time
}

// Authenticate checks a user name and password from a client address. It takes as long for
// an unknown name as for a wrong password, and refuses with ErrThrottled once the name or the
// address has failed MaxLoginFailures times within LoginWindow. Failures are kept in the
// database, so throttling holds across replicas.
func (s *Store) Authenticate(ctx context.Context, username, password, addr string) (portfolio.User, error) {
	now := s.now().UTC()
	keys := []string{"user:" + strings.ToLower(username), "addr:" + addr}
	var failures int64
	if err := s.r.WithContext(ctx).Model(&loginFailure{}).
		Where("key IN ? AND at > ?", keys, now.Add(-LoginWindow)).
		Group("key").Select("COUNT(*)").Order("COUNT(*) DESC").Limit(1).Scan(&failures).Error; err != nil {
		return portfolio.User{}, fmt.Errorf("count login failures: %w", err)
	}
	if failures >= MaxLoginFailures {
		return portfolio.User{}, ErrThrottled
	}
	var row userRow
	err := s.r.WithContext(ctx).Where("username = ?", username).Take(&row).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return portfolio.User{}, err
	}
	hash := row.PasswordHash
	if err != nil {
		hash = dummyHash()
	}
	if CheckPassword(hash, password) && row.ID != 0 {
		return row.user(), s.w.WithContext(ctx).Where("key = ?", keys[0]).Delete(&loginFailure{}).Error
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("at <= ?", now.Add(-LoginWindow)).Delete(&loginFailure{}).Error; err != nil {
			return err
		}
		return tx.Create([]loginFailure{{Key: keys[0], At: now}, {Key: keys[1], At: now}}).Error
	})
	if err != nil {
		return portfolio.User{}, fmt.Errorf("record login failure: %w", err)
	}
	return portfolio.User{}, ErrBadCredentials
}

// newSecret returns 32 random bytes as URL-safe text (256 bits) and its SHA-256 hex hash,
// which is all the database keeps.
func newSecret(prefix string) (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret), nil
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

type sessionRow struct {
	Hash      string `gorm:"primaryKey"`
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

func (sessionRow) TableName() string { return "sessions" }

// CreateSession starts a session for the user and returns its secret, to be sent as a cookie.
func (s *Store) CreateSession(ctx context.Context, userID int64) (secret string, expires time.Time, err error) {
	secret, hash, err := newSecret("nfs_")
	if err != nil {
		return "", time.Time{}, err
	}
	now := s.now().UTC()
	row := sessionRow{Hash: hash, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(SessionLifetime)}
	if err := s.w.WithContext(ctx).Create(&row).Error; err != nil {
		return "", time.Time{}, fmt.Errorf("create session: %w", err)
	}
	return secret, row.ExpiresAt, nil
}

// UserBySession returns the user of an unexpired session.
func (s *Store) UserBySession(ctx context.Context, secret string) (portfolio.User, error) {
	var row userRow
	err := s.r.WithContext(ctx).Table("users").Select("users.*").
		Joins("JOIN sessions ON sessions.user_id = users.id").
		Where("sessions.hash = ? AND sessions.expires_at > ?", hashSecret(secret), s.now().UTC()).
		Take(&row).Error
	return row.user(), notFound(err)
}

// DeleteSession ends a session; ending an unknown one is not an error.
func (s *Store) DeleteSession(ctx context.Context, secret string) error {
	return s.w.WithContext(ctx).Where("hash = ?", hashSecret(secret)).Delete(&sessionRow{}).Error
}

// PurgeExpired removes expired sessions and old login failures.
func (s *Store) PurgeExpired(ctx context.Context) error {
	now := s.now().UTC()
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("expires_at <= ?", now).Delete(&sessionRow{}).Error; err != nil {
			return err
		}
		return tx.Where("at <= ?", now.Add(-LoginWindow)).Delete(&loginFailure{}).Error
	})
}

// Token is an API token as listed; its secret is shown once, at creation.
type Token struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"-"`
	Name      string    `json:"name"`
	Hash      string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateToken makes an API token and returns it with its secret.
func (s *Store) CreateToken(ctx context.Context, userID int64, name string) (Token, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return Token{}, "", &portfolio.ValidationError{Fields: portfolio.Fields{"name": "is required, at most 100 characters"}}
	}
	secret, hash, err := newSecret("nft_")
	if err != nil {
		return Token{}, "", err
	}
	t := Token{UserID: userID, Name: name, Hash: hash}
	if err := s.w.WithContext(ctx).Create(&t).Error; err != nil {
		if errors.Is(err, gorm.ErrForeignKeyViolated) {
			return Token{}, "", ErrNotFound
		}
		return Token{}, "", fmt.Errorf("create token: %w", err)
	}
	return t, secret, nil
}

// Tokens lists a user's tokens.
func (s *Store) Tokens(ctx context.Context, userID int64) ([]Token, error) {
	tokens := []Token{}
	err := s.r.WithContext(ctx).Where("user_id = ?", userID).Order("id").Find(&tokens).Error
	return tokens, err
}

// DeleteToken revokes one of the user's tokens.
func (s *Store) DeleteToken(ctx context.Context, userID, id int64) error {
	res := s.w.WithContext(ctx).Where("user_id = ? AND id = ?", userID, id).Delete(&Token{})
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return res.Error
}

// UserByToken returns the owner of an API token.
func (s *Store) UserByToken(ctx context.Context, secret string) (portfolio.User, error) {
	var row userRow
	err := s.r.WithContext(ctx).Table("users").Select("users.*").
		Joins("JOIN tokens ON tokens.user_id = users.id").
		Where("tokens.hash = ?", hashSecret(secret)).Take(&row).Error
	return row.user(), notFound(err)
}
