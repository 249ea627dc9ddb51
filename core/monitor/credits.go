package monitor

import (
	"math"
	"time"

	"github.com/ec2x/ec2x/configs"
)

// Mode is a burstable instance's credit option.
type Mode string

// The credit options of burstable instances.
const (
	Standard  Mode = "standard"
	Unlimited Mode = "unlimited"
)

// AWS's constants of the credit model.
const (
	// LaunchCreditsPerVCPU is what a T2 in standard mode gets at each
	// launch or start.
	LaunchCreditsPerVCPU = 30
	// AccrualHours of earnings is both the cap of the accrued balance and
	// the surplus an unlimited instance may owe before it is charged.
	AccrualHours = 24
	// KeptAfterStop is how long a stopped T3 (not T2) keeps its balance.
	KeptAfterStop = 7 * 24 * time.Hour
)

// Credits is the CPU credit model of one instance type in one mode. The
// zero value is a type that does not burst.
type Credits struct {
	Burstable bool
	Mode      Mode
	// Family is the type's family ("t2"): only T2 gets launch credits and
	// loses its balance when stopped.
	Family string
	VCPUs  int
	// BaselinePct is the CPUUtilization (averaged over vCPUs, as
	// CloudWatch reports it) that earnings alone sustain.
	BaselinePct float64
	// EarnPerHour is credits earned per hour of running.
	EarnPerHour float64
}

// NewCredits returns the model of instance type name in its default mode.
func NewCredits(name string, t *configs.InstType) Credits {
	if t == nil || !t.Burstable {
		return Credits{}
	}
	m := Mode(t.CreditMode)
	if m != Unlimited {
		m = Standard
	}
	return Credits{
		Burstable:   true,
		Mode:        m,
		Family:      configs.Family(name),
		VCPUs:       max(t.VCPUs, 1),
		BaselinePct: t.BaselinePercent,
		EarnPerHour: t.CreditsPerHour,
	}
}

// WithMode returns the model with another credit option (an instance's
// CreditSpecification).
func (c Credits) WithMode(m Mode) Credits {
	if c.Burstable {
		c.Mode = m
	}
	return c
}

// MaxBalance is the cap of accrued earned credits (and of owed surplus).
func (c Credits) MaxBalance() float64 { return c.EarnPerHour * AccrualHours }

// LaunchCredits is what the instance gets at each launch or start.
func (c Credits) LaunchCredits() float64 {
	if c.Burstable && c.Family == "t2" && c.Mode == Standard {
		return float64(LaunchCreditsPerVCPU * c.VCPUs)
	}
	return 0
}

// CreditState is an instance's credits at one moment.
type CreditState struct {
	// Balance is accrued earned credits, at most MaxBalance.
	Balance float64
	// Launch is launch credits left; CPUCreditBalance is Balance + Launch.
	Launch float64
	// Surplus is credits spent beyond the balance in unlimited mode and not
	// yet paid back (CPUSurplusCreditBalance).
	Surplus float64
}

// Start returns the state at launch or at a start after being stopped for
// stoppedFor (0 at launch): T2 starts from nothing, other families keep
// their balance for seven days; standard T2 gets fresh launch credits.
func (c Credits) Start(s CreditState, stoppedFor time.Duration) CreditState {
	if !c.Burstable {
		return CreditState{}
	}
	if c.Family == "t2" || stoppedFor > KeptAfterStop {
		s.Balance = 0
	}
	s.Launch = c.LaunchCredits()
	s.Surplus = 0
	return s
}

// Stop returns the state kept while stopped and the surplus credits charged
// at the stop (all of them: AWS charges owed surplus when an instance stops).
func (c Credits) Stop(s CreditState) (kept CreditState, charged float64) {
	charged = s.Surplus
	s.Surplus = 0
	s.Launch = 0
	if c.Family == "t2" {
		s.Balance = 0
	}
	return s, charged
}

// StepResult is what one sampling interval did to an instance's credits.
type StepResult struct {
	// EffectivePct is the CPUUtilization the workload got.
	EffectivePct float64
	// Usage is credits spent (CPUCreditUsage).
	Usage float64
	// Charged is surplus credits charged (CPUSurplusCreditsCharged).
	Charged float64
	// Held reports that a standard instance ran out of credits and was
	// held below its demand.
	Held bool
	// Next is the state at the end of the interval.
	Next CreditState
}

// Step runs the instance for d with a workload that wants demandPct of CPU
// (as CPUUtilization: averaged over vCPUs) starting from s.
func (c Credits) Step(s CreditState, demandPct float64, d time.Duration) StepResult {
	demand := math.Min(math.Max(demandPct, 0), 100)
	if math.IsNaN(demand) {
		demand = 0
	}
	if !c.Burstable || d <= 0 {
		return StepResult{EffectivePct: demand, Next: s}
	}
	vcpuMinutes := float64(c.VCPUs) * d.Minutes()
	earned := c.EarnPerHour * d.Hours()
	want := demand / 100 * vcpuMinutes
	r := StepResult{EffectivePct: demand, Usage: want}

	if c.Mode == Standard {
		// Surplus left from unlimited mode is charged at the switch.
		r.Charged, s.Surplus = s.Surplus, 0
		if avail := s.Launch + s.Balance + earned; want > avail {
			// Out of credits: the instance gets what it can pay for, and
			// never less than its baseline (earnings pay for that).
			r.Held = true
			r.Usage = avail
			r.EffectivePct = avail / vcpuMinutes * 100
			if floor := math.Min(demand, c.BaselinePct); r.EffectivePct < floor {
				r.EffectivePct = floor
				r.Usage = floor / 100 * vcpuMinutes
			}
		}
	}

	// Launch credits are spent first; earnings accrue meanwhile.
	fromLaunch := math.Min(r.Usage, s.Launch)
	s.Launch -= fromLaunch
	pool := s.Balance + earned - (r.Usage - fromLaunch)
	switch {
	case pool < 0 && c.Mode == Unlimited:
		// Spent beyond the balance: borrowed as surplus.
		s.Surplus += -pool
		pool = 0
	case pool < 0:
		pool = 0
	case s.Surplus > 0:
		// Earnings pay surplus back before they accrue.
		pay := math.Min(s.Surplus, pool)
		s.Surplus -= pay
		pool -= pay
	}
	s.Balance = math.Min(pool, c.MaxBalance())
	if over := s.Surplus - c.MaxBalance(); over > 0 {
		// AWS charges surplus past 24 hours of earnings at the end of the
		// hour; charging it within the interval keeps the model stateless.
		r.Charged += over
		s.Surplus -= over
	}
	r.Next = s
	return r
}

// Fill sets the sample's CPUUtilization and, for a burstable type, its
// credit metrics from one step.
func (c Credits) Fill(s *Sample, r StepResult) {
	v := &s.Values
	v[CPUUtilization] = r.EffectivePct
	if !c.Burstable {
		for m := CPUCreditUsage; m <= CPUSurplusCreditsCharged; m++ {
			v[m] = math.NaN()
		}
		s.LaunchCredits = 0
		return
	}
	v[CPUCreditUsage] = r.Usage
	v[CPUCreditBalance] = r.Next.Balance + r.Next.Launch
	v[CPUSurplusCreditBalance] = r.Next.Surplus
	v[CPUSurplusCreditsCharged] = r.Charged
	s.LaunchCredits = r.Next.Launch
}
