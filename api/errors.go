package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/netfolio/netfolio/portfolio"
	"github.com/netfolio/netfolio/portfolio/store"
)

// Error is the one error type handlers return: a status, a public code and message, per-field
// messages, and a private cause that is logged and never sent.
type Error struct {
	Status     int
	Code       string
	Message    string
	Fields     map[string]string
	ExistingID int64
	Import     *store.ImportResult // the line errors of a failed import
	Cause      error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Message + ": " + e.Cause.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

type errorBody struct {
	Error errorJSON `json:"error"`
}

type errorJSON struct {
	Code       string            `json:"code"`
	Message    string            `json:"message"`
	Fields     map[string]string `json:"fields"`
	ExistingID int64             `json:"existing_id,omitempty"`
	// Lines lists a failed import's problems by line and column.
	Lines []store.ImportError `json:"lines,omitempty"`
}

// statusClientClosedRequest is nginx's status for a request whose client went away.
const statusClientClosedRequest = 499

func badRequest(msg string, cause error) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg, Cause: cause}
}

func invalid(fields portfolio.Fields) *Error {
	return toError(&portfolio.ValidationError{Fields: fields})
}

var errNotFound = &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}

// toError maps any error to the public Error it is answered with.
func toError(err error) *Error {
	var (
		apiErr     *Error
		validation *portfolio.ValidationError
		item       *store.ItemError
		conflict   *store.ConflictError
		httpErr    *echo.HTTPError
		tooLarge   *http.MaxBytesError
	)
	switch {
	case errors.As(err, &item):
		inner := toError(item.Err)
		fields := make(map[string]string, len(inner.Fields))
		for k, v := range inner.Fields {
			fields[fmt.Sprintf("[%d].%s", item.Index, k)] = v
		}
		return &Error{Status: inner.Status, Code: inner.Code, Message: fmt.Sprintf("item %d: %s", item.Index, inner.Message),
			Fields: fields, ExistingID: inner.ExistingID, Cause: inner.Cause}
	case errors.As(err, &apiErr):
		return apiErr
	case errors.As(err, &validation):
		msg := validation.Message
		if msg == "" {
			msg = "invalid values: " + validation.Error()
		}
		return &Error{Status: http.StatusUnprocessableEntity, Code: "validation_failed", Message: msg, Fields: validation.Fields}
	case errors.As(err, &conflict):
		e := &Error{Status: http.StatusConflict, Code: "conflict", Message: conflict.Message, ExistingID: conflict.ExistingID}
		if conflict.Field != "" {
			e.Fields = map[string]string{conflict.Field: conflict.Message}
		}
		return e
	case errors.Is(err, context.Canceled):
		// The client hung up: nothing to answer, nothing to alarm anyone about.
		return &Error{Status: statusClientClosedRequest, Code: "client_closed_request", Message: "the client closed the request"}
	case errors.Is(err, store.ErrNotFound):
		return errNotFound
	case errors.Is(err, store.ErrBadCursor):
		return invalid(portfolio.Fields{"cursor": "is not a cursor this server handed out"})
	case errors.Is(err, store.ErrBadCredentials):
		return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: err.Error()}
	case errors.Is(err, store.ErrThrottled):
		return &Error{Status: http.StatusTooManyRequests, Code: "too_many_requests", Message: err.Error()}
	case errors.As(err, &tooLarge):
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("the request body is larger than %d bytes", tooLarge.Limit)}
	case errors.As(err, &httpErr):
		status := httpErr.Code
		code := strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
		msg := strings.ToLower(http.StatusText(status))
		if status >= 500 {
			return &Error{Status: status, Code: code, Message: msg, Cause: err}
		}
		return &Error{Status: status, Code: code, Message: msg}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal_error", Message: "internal server error", Cause: err}
}

// errorHandler is Echo's one error handler: it answers every error as JSON and logs the
// private cause of server errors.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		e := toError(err)
		if e.Status >= 500 {
			log.ErrorContext(c.Request().Context(), "request failed", "method", c.Request().Method,
				"path", c.Request().URL.Path, "status", e.Status, "error", err)
		}
		if e.Status == http.StatusTooManyRequests {
			c.Response().Header().Set("Retry-After", "60")
		}
		fields := e.Fields
		if fields == nil {
			fields = map[string]string{}
		}
		body := errorBody{Error: errorJSON{Code: e.Code, Message: e.Message, Fields: fields, ExistingID: e.ExistingID}}
		if e.Import != nil {
			body.Error.Lines = e.Import.Errors
		}
		if c.Request().Method == http.MethodHead {
			err = c.NoContent(e.Status)
		} else {
			err = c.JSON(e.Status, body)
		}
		if err != nil {
			log.WarnContext(c.Request().Context(), "write error response", "error", err)
		}
	}
}
