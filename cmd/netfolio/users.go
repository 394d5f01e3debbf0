package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/netfolio/netfolio/portfolio/store"
)

func userAddCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, dbFlag, _ := newFlags("user add", stderr)
	admin := fs.Bool("admin", false, "the user may add users")
	base := fs.String("base-currency", "EUR", "the currency figures are shown in; fixed at creation")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: netfolio user add NAME [--admin] [--base-currency EUR] [--password-stdin]")
		return 2
	}
	password, generated := "", false
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			fmt.Fprintln(stderr, "netfolio: read password:", err)
			return 1
		}
		password = strings.TrimRight(line, "\r\n")
	} else {
		b := make([]byte, 15)
		if _, err := rand.Read(b); err != nil {
			fmt.Fprintln(stderr, "netfolio:", err)
			return 1
		}
		password, generated = base64.RawURLEncoding.EncodeToString(b), true
	}
	st, ok := openStore(ctx, *dbFlag, stderr)
	if !ok {
		return 1
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, store.NewUser{Username: pos[0], Password: password, BaseCurrency: *base, Admin: *admin})
	if err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	fmt.Fprintf(stdout, "created user %s (id %d, base currency %s, admin %t)\n", u.Username, u.ID, u.BaseCurrency, u.Admin)
	if generated {
		fmt.Fprintf(stdout, "password: %s\n", password)
	}
	return 0
}

func tokenCreateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, dbFlag, _ := newFlags("token create", stderr)
	name := fs.String("name", "cli", "a name to tell the token by")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "usage: netfolio token create USER [--name NAME]")
		return 2
	}
	st, u, ok := openUserStore(ctx, *dbFlag, pos[0], stderr)
	if !ok {
		return 1
	}
	defer st.Close()
	_, secret, err := st.CreateToken(ctx, u.ID, *name)
	if err != nil {
		fmt.Fprintln(stderr, "netfolio:", err)
		return 1
	}
	fmt.Fprintln(stdout, secret)
	return 0
}
