package instances

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/ec2x/ec2x/cli/command"
	"github.com/ec2x/ec2x/cli/render"
	"github.com/ec2x/ec2x/core/ec2"
	cli "github.com/urfave/cli/v2"
	xterm "golang.org/x/term"
)

// TopCommand is `ec2x top`: live view of the fleet and its hosts.
var TopCommand = &cli.Command{
	Name:  "top",
	Usage: "live view of the fleet and its hosts (q quits, h hosts, c/m/n/i/t sort, / filter)",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "sort", Value: "cpu", Usage: "cpu, mem, net, id or type"},
		&cli.BoolFlag{Name: "once", Usage: "print one table (or JSON with -o json) and exit"},
		&cli.StringSliceFlag{Name: "filter", Usage: "NAME=VALUE[,VALUE...] with EC2's filter names (repeatable)"},
	},
	Action: func(c *cli.Context) error {
		e, _, err := command.Setup(c, 0, 0, "")
		if err != nil {
			return err
		}
		key := c.String("sort")
		if _, ok := sorters[key]; !ok {
			return command.Usagef("top: --sort %q: use cpu, mem, net, id or type", key)
		}
		filters, err := command.ParseFilters(c.StringSlice("filter"))
		if err != nil {
			return err
		}
		in := &ec2.DescribeFleetInput{Filters: filters}
		if c.Bool("once") || !e.TTY {
			var f ec2.FleetFrame
			if err := e.Call("DescribeFleet", in, &f); err != nil {
				return err
			}
			sortFleet(f.Instances, key)
			return e.Print(fleetView(&f))
		}
		if !xterm.IsTerminal(int(os.Stdin.Fd())) {
			return command.Usagef("top: the full-screen view needs a terminal; use --once")
		}
		sc, ok := linkedScreens(c)
		if !ok {
			return command.ExecFull("top")
		}
		in.Hosts = true
		return sc.Top(e, in, &TopModel{sortKey: key, region: e.Region})
	},
}

// topJSON is `top --once -o json`'s shape (CLI.md).
type topJSON struct {
	Instances []topRow `json:"Instances"`
}

type topRow struct {
	InstanceId        string   `json:"InstanceId"`
	InstanceType      string   `json:"InstanceType"`
	AvailabilityZone  string   `json:"AvailabilityZone"`
	State             string   `json:"State"`
	CPUUtilization    float64  `json:"CPUUtilization"`
	MemoryUtilization float64  `json:"MemoryUtilization"`
	NetworkIn         float64  `json:"NetworkIn"`
	NetworkOut        float64  `json:"NetworkOut"`
	CPUCreditBalance  *float64 `json:"CPUCreditBalance,omitempty"`
	StatusCheckFailed int      `json:"StatusCheckFailed"`
}

var topHeader = []string{"INSTANCE ID", "NAME", "TYPE", "ZONE", "STATE", "CPU%", "MEM%", "NET IN", "NET OUT", "CREDITS", "CPU HISTORY"}

func fleetView(f *ec2.FleetFrame) command.View {
	j := topJSON{Instances: make([]topRow, len(f.Instances))}
	v := command.View{Data: &j, Header: topHeader}
	for i, in := range f.Instances {
		j.Instances[i] = topRow{in.InstanceId, in.InstanceType, in.AvailabilityZone, in.State, in.CPUUtilization,
			in.MemoryUtilization, in.NetworkIn, in.NetworkOut, in.CPUCreditBalance, in.StatusCheckFailed}
		v.IDs = append(v.IDs, in.InstanceId)
		v.Rows = append(v.Rows, topCells(in))
	}
	return v
}

func topCells(in ec2.FleetInstance) []string {
	credits := "-"
	if in.CPUCreditBalance != nil {
		credits = strconv.FormatFloat(*in.CPUCreditBalance, 'f', 1, 64)
		if in.Held {
			credits += " held"
		}
	}
	state := in.State
	if in.StatusCheckFailed != 0 {
		state += " (impaired)" // EC2's word for a failed status check
	}
	return []string{in.InstanceId, render.Dash(in.Name), in.InstanceType, in.AvailabilityZone, state,
		strconv.FormatFloat(in.CPUUtilization, 'f', 1, 64), strconv.FormatFloat(in.MemoryUtilization, 'f', 1, 64),
		rate(in.NetworkIn), rate(in.NetworkOut), credits, sparkline(in.CPUHistory)}
}

// rate prints bytes per second compactly.
func rate(b float64) string {
	units := []string{"B/s", "KB/s", "MB/s", "GB/s"}
	i := 0
	for b >= 1000 && i < len(units)-1 {
		b /= 1000
		i++
	}
	return strconv.FormatFloat(b, 'f', 1, 64) + " " + units[i]
}

var sparks = []rune("▁▂▃▄▅▆▇█")

// sparkline draws percentages as block characters.
func sparkline(h []uint8) string {
	var b strings.Builder
	for _, p := range h {
		b.WriteRune(sparks[min(int(p)*len(sparks)/101, len(sparks)-1)])
	}
	return b.String()
}

// sorters order a fleet by a key, busiest first.
var sorters = map[string]func(a, b ec2.FleetInstance) bool{
	"cpu":  func(a, b ec2.FleetInstance) bool { return a.CPUUtilization > b.CPUUtilization },
	"mem":  func(a, b ec2.FleetInstance) bool { return a.MemoryUtilization > b.MemoryUtilization },
	"net":  func(a, b ec2.FleetInstance) bool { return a.NetworkIn+a.NetworkOut > b.NetworkIn+b.NetworkOut },
	"id":   func(a, b ec2.FleetInstance) bool { return a.InstanceId < b.InstanceId },
	"type": func(a, b ec2.FleetInstance) bool { return a.InstanceType < b.InstanceType },
}

func sortFleet(list []ec2.FleetInstance, key string) {
	less := sorters[key]
	sort.SliceStable(list, func(i, j int) bool {
		if less(list[i], list[j]) != less(list[j], list[i]) {
			return less(list[i], list[j])
		}
		return list[i].InstanceId < list[j].InstanceId
	})
}

// KeyKind is what a key press means to top.
type KeyKind int

// The keys top acts on.
const (
	KeyRunes KeyKind = iota
	KeyEnter
	KeyEsc
	KeyBackspace
	KeyCtrlC
)

// Key is one key, or several printable ones that came together.
type Key struct {
	Kind  KeyKind
	Runes []rune
}

// TopModel is top's screen: what a full-screen UI (Screens.Top) shows and
// feeds with frames, keys and the terminal's size.
type TopModel struct {
	frame     *ec2.FleetFrame
	sortKey   string
	filter    string
	typing    bool
	hosts     bool
	width     int
	height    int
	region    string
	streamErr error
}

// Resize sets the terminal's size.
func (m *TopModel) Resize(width, height int) { m.width, m.height = width, height }

// Frame shows a new frame of the fleet.
func (m *TopModel) Frame(f *ec2.FleetFrame) { m.frame = f }

// Fail ends top with the stream's error.
func (m *TopModel) Fail(err error) { m.streamErr = err }

// Err is the error that ended the stream, if any.
func (m *TopModel) Err() error { return m.streamErr }

// Key applies one key; it reports whether top should end.
func (m *TopModel) Key(k Key) bool {
	switch k.Kind {
	case KeyCtrlC:
		return true
	case KeyEnter:
		m.typing = false
	case KeyEsc:
		m.typing, m.filter = false, ""
	case KeyBackspace:
		if m.typing && m.filter != "" {
			m.filter = m.filter[:len(m.filter)-1]
		}
	case KeyRunes:
		// A fast typist's (or a script's) keys arrive in one read:
		// take them one at a time.
		for _, r := range k.Runes {
			if m.typing {
				m.filter += string(r)
				continue
			}
			if quit := m.command(r); quit {
				return true
			}
		}
	}
	return false
}

// command applies one key outside the filter prompt; it reports quit.
func (m *TopModel) command(r rune) bool {
	switch r {
	case 'q':
		return true
	case 'h':
		m.hosts = !m.hosts
	case 'c':
		m.sortKey = "cpu"
	case 'm':
		m.sortKey = "mem"
	case 'n':
		m.sortKey = "net"
	case 'i':
		m.sortKey = "id"
	case 't':
		m.sortKey = "type"
	case '/':
		m.typing, m.filter = true, ""
	}
	return false
}

// View is the screen as text.
func (m *TopModel) View() string {
	var b strings.Builder
	title := fmt.Sprintf("ec2x top — %s — sort: %s", m.region, m.sortKey)
	if m.filter != "" || m.typing {
		title += fmt.Sprintf(" — filter: %s", m.filter)
		if m.typing {
			title += "▏"
		}
	}
	b.WriteString(title + "\n")
	b.WriteString("q quit · h hosts · c cpu · m mem · n net · i id · t type · / filter · esc clear\n\n")
	if m.frame == nil {
		b.WriteString("waiting for the daemon…\n")
		return b.String()
	}
	if m.hosts {
		b.WriteString(hostTable(m.frame.Hosts))
		return b.String()
	}
	list := make([]ec2.FleetInstance, 0, len(m.frame.Instances))
	for _, in := range m.frame.Instances {
		if m.filter == "" || strings.Contains(strings.ToLower(in.InstanceId+" "+in.Name+" "+in.InstanceType+" "+in.State+" "+in.AvailabilityZone), strings.ToLower(m.filter)) {
			list = append(list, in)
		}
	}
	sortFleet(list, m.sortKey)
	rows := make([][]string, 0, len(list))
	for _, in := range list {
		rows = append(rows, topCells(in))
	}
	if max := m.height - 5; m.height > 0 && len(rows) > max && max > 0 {
		rows = rows[:max]
	}
	var t strings.Builder
	_ = render.Table(&t, topHeader, rows, true)
	b.WriteString(t.String())
	return b.String()
}

func hostTable(hosts []ec2.HostInfo) string {
	rows := make([][]string, 0, len(hosts))
	for _, h := range hosts {
		guests := make([]string, 0, len(h.Instances))
		for _, g := range h.Instances {
			guests = append(guests, g.InstanceId)
		}
		cpu := 0.0
		if h.CapacityVCpus > 0 {
			cpu = float64(h.UsedVCPUs) / float64(h.CapacityVCpus) * 100
		}
		rows = append(rows, []string{h.ID, h.Zone, fmt.Sprintf("%d/%d", h.UsedVCPUs, h.CapacityVCpus), fmt.Sprintf("%.0f%%", cpu),
			fmt.Sprintf("%s/%s", command.GiB(h.UsedMemoryMiB), command.GiB(h.CapacityMemoryMiB)), strconv.Itoa(len(h.Instances)), strings.Join(guests, " ")})
	}
	var b strings.Builder
	_ = render.Table(&b, []string{"HOST ID", "ZONE", "VCPUS", "VCPU USE", "MEMORY", "GUESTS", "INSTANCES"}, rows, false)
	return b.String()
}
