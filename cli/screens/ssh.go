package screens

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
	"golang.org/x/crypto/ssh"
	xterm "golang.org/x/term"
)

// SSH logs in to an instance with the key in keyFile and runs remote (or
// a shell on a terminal), exiting with the remote command's status.
func (Linked) SSH(c *cli.Context, e *command.Env, t ec2.SSHTarget, keyFile string, remote []string) error {
	pem, err := os.ReadFile(keyFile)
	if err != nil {
		return command.Usagef("the private key of %s: %v", t.InstanceId, err)
	}
	signer, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		return command.Usagef("%s: %v", keyFile, err)
	}
	client, err := dialSSH(e, t, signer, c.Duration("timeout"))
	if err != nil {
		return err
	}
	defer client.Close()
	return runSSH(c, client, remote)
}

// dialSSH connects, retrying while the guest is still booting. ec2x made
// the guest and forwards its port on loopback, so the host key is taken as
// the guest offers it (as `ssh -o StrictHostKeyChecking=accept-new` would);
// the console log shows its fingerprint.
func dialSSH(e *command.Env, t ec2.SSHTarget, signer ssh.Signer, timeout time.Duration) (*ssh.Client, error) {
	cfg := &ssh.ClientConfig{
		User: t.User, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
		// Plain host key types only: offered with every certificate type as
		// well, the list is longer than dropbear (2022) accepts, and it
		// hangs up during key exchange.
		HostKeyAlgorithms: []string{ssh.KeyAlgoED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521,
			ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256},
	}
	addr := net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	deadline := time.Now().Add(timeout)
	for {
		if err := waitBanner(e.Context(), addr, deadline); err != nil {
			return nil, ec2.Errorf(ec2.CodeServiceUnavailable, "the SSH server of %s (%s) did not answer within %v: %v", t.InstanceId, addr, timeout, err)
		}
		client, err := ssh.Dial("tcp", addr, cfg)
		if err == nil {
			return client, nil
		}
		var authErr *ssh.ServerAuthError
		if errors.As(err, &authErr) || strings.Contains(err.Error(), "unable to authenticate") {
			return nil, ec2.Errorf(ec2.CodeAuthFailure, "%s refused the key for %s: %v", t.InstanceId, t.User, err)
		}
		if time.Now().After(deadline) {
			return nil, ec2.Errorf(ec2.CodeServiceUnavailable, "the SSH server of %s (%s) did not answer within %v: %v", t.InstanceId, addr, timeout, err)
		}
		select {
		case <-e.Context().Done():
			return nil, e.Context().Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// waitBanner returns once an SSH server's banner can be read at addr. A
// forwarded port accepts connections before the guest's server listens,
// and a connection made before the guest has its address waits for the
// forwarder's retransmitted SYN (seconds): short probes find the server
// as soon as it answers.
func waitBanner(ctx context.Context, addr string, deadline time.Time) error {
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.SetReadDeadline(time.Now().Add(time.Second))
			line, rerr := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if strings.HasPrefix(line, "SSH-") {
				return nil
			}
			err = rerr
			if err == nil {
				err = fmt.Errorf("no SSH banner (got %q)", strings.TrimSpace(line))
			}
		}
		if time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// runSSH runs a command (or a shell on a terminal) and exits with its status.
func runSSH(c *cli.Context, client *ssh.Client, remote []string) error {
	sess, err := client.NewSession()
	if err != nil {
		return err
	}
	defer sess.Close()
	sess.Stdout, sess.Stderr = c.App.Writer, c.App.ErrWriter
	sess.Stdin = os.Stdin
	if len(remote) == 0 {
		fd := int(os.Stdin.Fd())
		if xterm.IsTerminal(fd) {
			w, h, _ := xterm.GetSize(fd)
			if err := sess.RequestPty(os.Getenv("TERM"), h, w, ssh.TerminalModes{ssh.ECHO: 1}); err != nil {
				return err
			}
			old, err := xterm.MakeRaw(fd)
			if err == nil {
				defer xterm.Restore(fd, old)
			}
		}
		if err := sess.Shell(); err != nil {
			return err
		}
		return sshExit(sess.Wait())
	}
	return sshExit(sess.Run(strings.Join(remote, " ")))
}

// sshExit passes the remote command's exit status on, as ssh does.
func sshExit(err error) error {
	var ee *ssh.ExitError
	if errors.As(err, &ee) {
		return cli.Exit("", ee.ExitStatus())
	}
	if err != nil {
		return fmt.Errorf("ssh: %w", err)
	}
	return nil
}
