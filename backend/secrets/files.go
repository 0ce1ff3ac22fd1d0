package secrets

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"dpgcerts/backend/errs"
)

// EnvCredentialsDirectory is where systemd's LoadCredential= puts a
// service's secrets.
const EnvCredentialsDirectory = "CREDENTIALS_DIRECTORY"

// Secret file names in $CREDENTIALS_DIRECTORY.
const (
	CredentialToken        = "token"
	CredentialSMTPPassword = "smtp-password"
	CredentialWebhookURL   = "webhook-url"
)

// MaxSecretFileBytes bounds a secret file: a token or a password, not a file.
const MaxSecretFileBytes = 64 << 10

// ReadFile reads a secret from a file: the first line, without the line
// end. On Unix a file that its group or others can read or write is
// refused (secret_file_open): the secret is out already, and a server must
// not go on as if it weren't. The error never holds the content.
func ReadFile(path string) (string, error) { return readFile(path, 0o077) }

// readFile is ReadFile, refusing a file with any of the open mode bits.
func readFile(path string, open fs.FileMode) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", errs.Newf(errs.FileNotFound, "the secret file %s does not exist", path)
		}
		return "", errs.Newf(errs.PermissionDenied, "the secret file %s can't be read: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", errs.Newf(errs.IOError, "the secret file %s: %v", path, errors.Unwrap(err))
	}
	if !info.Mode().IsRegular() {
		return "", errs.Newf(errs.NotAFile, "the secret file %s is not a file", path)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&open != 0 {
		return "", errs.Newf(errs.SecretFileOpen, "the secret file %s has mode %04o: others can read it; chmod 600 it", path, info.Mode().Perm())
	}
	if info.Size() > MaxSecretFileBytes {
		return "", errs.Newf(errs.TooLarge, "the secret file %s is too large for a secret", path)
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxSecretFileBytes))
	if err != nil {
		return "", errs.Newf(errs.IOError, "the secret file %s can't be read", path)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return "", errs.Newf(errs.EmptyFile, "the secret file %s is empty", path)
	}
	return line, nil
}

// FromFileOrCredentials reads the secret from path when given, else from
// $CREDENTIALS_DIRECTORY/name when that exists. ok is false when neither
// is there. In $CREDENTIALS_DIRECTORY only a file others can read is
// refused: systemd grants the service's user read access with an ACL
// (with DynamicUser=, on a tmpfs), which shows as the group's bits of the
// mode, in a directory only that user can enter.
func FromFileOrCredentials(path, name string, getenv func(string) string) (secret string, ok bool, err error) {
	open := fs.FileMode(0o077)
	if path == "" {
		dir := getenv(EnvCredentialsDirectory)
		if dir == "" {
			return "", false, nil
		}
		path = filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			return "", false, nil
		}
		open = 0o007
	}
	s, err := readFile(path, open)
	if err != nil {
		return "", false, err
	}
	return s, true, nil
}
