package api

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
)

// sessionCookie names the HttpOnly cookie that carries a dashboard session.
const sessionCookie = "netfolio_session"

type authStore interface {
	Authenticate(ctx context.Context, username, password, addr string) (portfolio.User, error)
	CreateSession(ctx context.Context, userID int64) (string, time.Time, error)
	UserBySession(ctx context.Context, secret string) (portfolio.User, error)
	DeleteSession(ctx context.Context, secret string) error
	UserByToken(ctx context.Context, secret string) (portfolio.User, error)
	CreateToken(ctx context.Context, userID int64, name string) (store.Token, string, error)
	Tokens(ctx context.Context, userID int64) ([]store.Token, error)
	DeleteToken(ctx context.Context, userID, id int64) error
	CreateUser(ctx context.Context, n store.NewUser) (portfolio.User, error)
}

type authHandler struct {
	store  authStore
	clock  clock
	secure bool
	tokens *tokenCache
}

var errUnauthorized = &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "sign in or send an API token"}

// require finds the user of a request: an "Authorization: Bearer" token or the session
// cookie. Cookie-authenticated writes must come from this origin (CSRF), on top of the
// cookie's SameSite=Strict.
func (h *authHandler) require(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if authz := c.Request().Header.Get(echo.HeaderAuthorization); authz != "" {
			scheme, token, ok := strings.Cut(authz, " ")
			if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
				return errUnauthorized
			}
			token = strings.TrimSpace(token)
			u, ok := h.tokens.get(token)
			if !ok {
				var err error
				if u, err = h.store.UserByToken(ctx, token); err != nil {
					return authError(err)
				}
				h.tokens.put(token, u)
			}
			c.Set("user", u)
			return next(c)
		}
		cookie, err := c.Cookie(sessionCookie)
		if err != nil || cookie.Value == "" {
			return errUnauthorized
		}
		if !safeMethod(c.Request().Method) && !sameOrigin(c.Request()) {
			return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "cross-origin request refused"}
		}
		u, err := h.store.UserBySession(ctx, cookie.Value)
		if err != nil {
			return authError(err)
		}
		c.Set("user", u)
		c.Set("session", cookie.Value)
		return next(c)
	}
}

func authError(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errUnauthorized
	}
	return err
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// sameOrigin accepts a request whose Origin (or, lacking it, Referer) names this host; a
// request with neither comes from a non-browser client, which SameSite already covers.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = r.Header.Get("Referer")
	}
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host == r.Host
}

// userOf returns the signed-in user that require put on the request.
func userOf(c echo.Context) portfolio.User {
	u, _ := c.Get("user").(portfolio.User)
	return u
}

type userJSON struct {
	ID           int64  `json:"id"`
	Username     string `json:"username"`
	BaseCurrency string `json:"base_currency"`
	Admin        bool   `json:"admin"`
}

func toUserJSON(u portfolio.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, BaseCurrency: u.BaseCurrency, Admin: u.Admin}
}

func (h *authHandler) login(c echo.Context) error {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Username == "" || req.Password == "" {
		return invalid(portfolio.Fields{"username": "username and password are required"})
	}
	ctx := c.Request().Context()
	u, err := h.store.Authenticate(ctx, req.Username, req.Password, c.RealIP())
	if err != nil {
		return err
	}
	secret, expires, err := h.store.CreateSession(ctx, u.ID)
	if err != nil {
		return err
	}
	// Max-Age rather than Expires: the browser's clock need not agree with ours.
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: secret, Path: "/", MaxAge: int(expires.Sub(h.clock.now()).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: h.secure})
	return c.JSON(http.StatusOK, toUserJSON(u))
}

func (h *authHandler) logout(c echo.Context) error {
	if secret, ok := c.Get("session").(string); ok {
		if err := h.store.DeleteSession(c.Request().Context(), secret); err != nil {
			return err
		}
	}
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: h.secure})
	return c.NoContent(http.StatusNoContent)
}

func (h *authHandler) me(c echo.Context) error {
	return c.JSON(http.StatusOK, toUserJSON(userOf(c)))
}

type tokenJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Token     string    `json:"token,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func (h *authHandler) createToken(c echo.Context) error {
	var req struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	t, secret, err := h.store.CreateToken(c.Request().Context(), userOf(c).ID, req.Name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, tokenJSON{ID: t.ID, Name: t.Name, Token: secret, CreatedAt: t.CreatedAt.UTC()})
}

func (h *authHandler) listTokens(c echo.Context) error {
	tokens, err := h.store.Tokens(c.Request().Context(), userOf(c).ID)
	if err != nil {
		return err
	}
	out := make([]tokenJSON, len(tokens))
	for i, t := range tokens {
		out[i] = tokenJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt.UTC()}
	}
	return c.JSON(http.StatusOK, out)
}

func (h *authHandler) deleteToken(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := h.store.DeleteToken(c.Request().Context(), userOf(c).ID, id); err != nil {
		return err
	}
	h.tokens.forgetUser(userOf(c).ID)
	return c.NoContent(http.StatusNoContent)
}

func (h *authHandler) createUser(c echo.Context) error {
	if !userOf(c).Admin {
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "only an admin can add users"}
	}
	var req struct {
		Username     string `json:"username"`
		Password     string `json:"password"`
		BaseCurrency string `json:"base_currency"`
		Admin        bool   `json:"admin"`
	}
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	u, err := h.store.CreateUser(c.Request().Context(), store.NewUser{Username: req.Username, Password: req.Password, BaseCurrency: req.BaseCurrency, Admin: req.Admin})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, toUserJSON(u))
}
