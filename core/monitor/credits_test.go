package monitor

import (
	"testing"
	"time"

	"github.com/ec2x/ec2x/configs"
)

// catalogCredits is the model of a type from the embedded catalogue.
func catalogCredits(t *testing.T, name string) Credits {
	t.Helper()
	cfg, err := configs.Default()
	if err != nil {
		t.Fatalf("configs: %v", err)
	}
	it, ok := cfg.Types[name]
	if !ok {
		t.Fatalf("no type %s in the catalogue", name)
	}
	return NewCredits(name, it)
}

func TestNewCreditsFromCatalogue(t *testing.T) {
	tests := []struct {
		name                string
		burstable           bool
		mode                Mode
		baseline, earn, max float64
		launch              float64
		vcpus               int
	}{
		{name: "t2.micro", burstable: true, mode: Standard, baseline: 10, earn: 6, max: 144, launch: 30, vcpus: 1},
		{name: "t2.medium", burstable: true, mode: Standard, baseline: 20, earn: 24, max: 576, launch: 60, vcpus: 2},
		{name: "t3.micro", burstable: true, mode: Unlimited, baseline: 10, earn: 12, max: 288, launch: 0, vcpus: 2},
		{name: "m5.large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := catalogCredits(t, tt.name)
			if c.Burstable != tt.burstable || c.Mode != tt.mode {
				t.Fatalf("burstable %v mode %q, want %v %q", c.Burstable, c.Mode, tt.burstable, tt.mode)
			}
			if !tt.burstable {
				return
			}
			if c.BaselinePct != tt.baseline || c.EarnPerHour != tt.earn || c.MaxBalance() != tt.max ||
				c.LaunchCredits() != tt.launch || c.VCPUs != tt.vcpus {
				t.Fatalf("got %+v max %v launch %v", c, c.MaxBalance(), c.LaunchCredits())
			}
			// The catalogue's baseline is what earnings pay for.
			if got := c.EarnPerHour / 60 / float64(c.VCPUs) * 100; !near(got, c.BaselinePct) {
				t.Fatalf("earnings pay for %v%%, baseline is %v%%", got, c.BaselinePct)
			}
		})
	}
}

func TestCreditStepHandComputed(t *testing.T) {
	t2 := Credits{Burstable: true, Mode: Standard, Family: "t2", VCPUs: 1, BaselinePct: 10, EarnPerHour: 6}
	t3 := Credits{Burstable: true, Mode: Unlimited, Family: "t3", VCPUs: 2, BaselinePct: 10, EarnPerHour: 12}
	tests := []struct {
		name    string
		c       Credits
		from    CreditState
		demand  float64
		d       time.Duration
		eff     float64
		usage   float64
		charged float64
		held    bool
		next    CreditState
	}{
		{name: "t2 burn spends launch credits first", c: t2, from: CreditState{Launch: 30}, demand: 100, d: time.Minute,
			eff: 100, usage: 1, next: CreditState{Balance: 0.1, Launch: 29}},
		{name: "t2 below baseline accrues the difference", c: t2, demand: 5, d: time.Minute,
			eff: 5, usage: 0.05, next: CreditState{Balance: 0.05}},
		{name: "t2 over five minutes", c: t2, from: CreditState{Balance: 10}, demand: 50, d: 5 * time.Minute,
			eff: 50, usage: 2.5, next: CreditState{Balance: 8}},
		{name: "t2 runs out within the minute", c: t2, from: CreditState{Balance: 0.4}, demand: 100, d: time.Minute,
			eff: 50, usage: 0.5, held: true, next: CreditState{}},
		{name: "t2 empty is held at baseline", c: t2, demand: 100, d: time.Minute,
			eff: 10, usage: 0.1, held: true, next: CreditState{}},
		{name: "t2 empty under baseline is not held", c: t2, demand: 8, d: time.Minute,
			eff: 8, usage: 0.08, next: CreditState{Balance: 0.02}},
		{name: "t2 balance stays at the cap", c: t2, from: CreditState{Balance: 144}, demand: 0, d: 10 * time.Minute,
			eff: 0, usage: 0, next: CreditState{Balance: 144}},
		{name: "t2 launch credits above the cap", c: t2, from: CreditState{Balance: 144, Launch: 30}, demand: 2, d: time.Minute,
			eff: 2, usage: 0.02, next: CreditState{Balance: 144, Launch: 29.98}},
		{name: "t2 switched from unlimited pays its surplus", c: t2, from: CreditState{Surplus: 5}, demand: 0, d: time.Minute,
			eff: 0, usage: 0, charged: 5, next: CreditState{Balance: 0.1}},
		{name: "t3 empty borrows surplus", c: t3, demand: 100, d: time.Minute,
			eff: 100, usage: 2, next: CreditState{Surplus: 1.8}},
		{name: "t3 balance then surplus", c: t3, from: CreditState{Balance: 1}, demand: 100, d: time.Minute,
			eff: 100, usage: 2, next: CreditState{Surplus: 0.8}},
		{name: "t3 earnings repay surplus", c: t3, from: CreditState{Surplus: 1.8}, demand: 0, d: time.Minute,
			eff: 0, usage: 0, next: CreditState{Surplus: 1.6}},
		{name: "t3 surplus past the cap is charged", c: t3, from: CreditState{Surplus: 288}, demand: 100, d: time.Minute,
			eff: 100, usage: 2, charged: 1.8, next: CreditState{Surplus: 288}},
		{name: "fixed type gets its demand", c: Credits{}, demand: 150, d: time.Minute, eff: 100},
		{name: "negative demand is idle", c: t2, demand: -3, d: time.Minute, eff: 0, next: CreditState{Balance: 0.1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.c.Step(tt.from, tt.demand, tt.d)
			if !near(r.EffectivePct, tt.eff) || !near(r.Usage, tt.usage) || !near(r.Charged, tt.charged) || r.Held != tt.held {
				t.Fatalf("got eff %v usage %v charged %v held %v, want %v %v %v %v",
					r.EffectivePct, r.Usage, r.Charged, r.Held, tt.eff, tt.usage, tt.charged, tt.held)
			}
			if !near(r.Next.Balance, tt.next.Balance) || !near(r.Next.Launch, tt.next.Launch) || !near(r.Next.Surplus, tt.next.Surplus) {
				t.Fatalf("next %+v, want %+v", r.Next, tt.next)
			}
		})
	}
}

func TestCreditsT2BurnSpendsDownToBaseline(t *testing.T) {
	c := catalogCredits(t, "t2.micro")
	s := c.Start(CreditState{}, 0)
	if s.Launch != 30 {
		t.Fatalf("launch credits %v, want 30", s.Launch)
	}
	// Launch credits go first (1 a minute) while 0.1 a minute accrues:
	// after 30 minutes 3 earned credits are left, which last 3 more full
	// minutes; minute 34 gets what 0.4 credits buy, then baseline.
	for minute := 1; minute <= 6*60; minute++ {
		r := c.Step(s, 100, time.Minute)
		s = r.Next
		switch {
		case minute <= 33:
			if r.EffectivePct != 100 || r.Held {
				t.Fatalf("minute %d: effective %v held %v while credits last", minute, r.EffectivePct, r.Held)
			}
		case minute == 34:
			if !near(r.EffectivePct, 40) || !r.Held {
				t.Fatalf("minute 34: effective %v, want 40 (held)", r.EffectivePct)
			}
		default:
			if !near(r.EffectivePct, 10) || !r.Held {
				t.Fatalf("minute %d: effective %v, want the 10%% baseline", minute, r.EffectivePct)
			}
		}
		switch minute {
		case 30:
			if !near(s.Launch, 0) || !near(s.Balance, 3) {
				t.Fatalf("after 30 minutes %+v, want launch 0 balance 3", s)
			}
		case 33:
			if !near(s.Balance, 0.3) {
				t.Fatalf("after 33 minutes %+v, want balance 0.3", s)
			}
		}
		if minute >= 34 && !near(s.Balance+s.Launch, 0) {
			t.Fatalf("minute %d: balance %+v, want 0", minute, s)
		}
	}
}

func TestCreditsT2IdleAccruesToCap(t *testing.T) {
	c := catalogCredits(t, "t2.micro")
	s := c.Start(CreditState{}, 0)
	for minute := 1; minute <= 48*60; minute++ {
		r := c.Step(s, 2, time.Minute)
		if r.EffectivePct != 2 || r.Held {
			t.Fatalf("minute %d: idle instance got %v", minute, r.EffectivePct)
		}
		s = r.Next
		if s.Balance > 144+1e-9 {
			t.Fatalf("minute %d: balance %v above the 144 cap", minute, s.Balance)
		}
		if minute == 24*60 && (!near(s.Balance, 144) || !near(s.Launch, 30-0.02*1440)) {
			t.Fatalf("after 24 h %+v, want balance 144 and launch 1.2", s)
		}
	}
	if !near(s.Balance, 144) || s.Launch != 0 {
		t.Fatalf("after 48 h %+v, want 144 earned and no launch credits", s)
	}
}

func TestCreditsT3UnlimitedNeverHeld(t *testing.T) {
	c := catalogCredits(t, "t3.micro")
	s := c.Start(CreditState{}, 0)
	var charged float64
	// 100 % of 2 vCPUs costs 2 a minute and earns 0.2: surplus grows 1.8 a
	// minute to the 288 cap at minute 160, and past it is charged.
	for minute := 1; minute <= 6*60; minute++ {
		r := c.Step(s, 100, time.Minute)
		if r.EffectivePct != 100 || r.Held {
			t.Fatalf("minute %d: unlimited instance held at %v", minute, r.EffectivePct)
		}
		s, charged = r.Next, charged+r.Charged
		if minute == 100 && !near(s.Surplus, 180) {
			t.Fatalf("minute 100: surplus %v, want 180", s.Surplus)
		}
	}
	if !near(s.Surplus, 288) || !near(charged, 1.8*360-288) {
		t.Fatalf("after 6 h surplus %v charged %v, want 288 and %v", s.Surplus, charged, 1.8*360-288)
	}
	// Idle, earnings repay the surplus first (0.2 a minute: 1440 minutes).
	for minute := 1; minute <= 1440; minute++ {
		s = c.Step(s, 0, time.Minute).Next
		if s.Balance > 0 && s.Surplus > 0 {
			t.Fatalf("minute %d: balance and surplus at once: %+v", minute, s)
		}
	}
	if !near(s.Surplus, 0) || !near(s.Balance, 0) {
		t.Fatalf("after a day idle %+v, want surplus repaid and nothing accrued", s)
	}
	s = c.Step(s, 0, time.Hour).Next
	if !near(s.Balance, 12) {
		t.Fatalf("an hour later balance %v, want 12", s.Balance)
	}
}

func TestCreditsStartStop(t *testing.T) {
	t2 := Credits{Burstable: true, Mode: Standard, Family: "t2", VCPUs: 1, BaselinePct: 10, EarnPerHour: 6}
	t3 := Credits{Burstable: true, Mode: Unlimited, Family: "t3", VCPUs: 2, BaselinePct: 10, EarnPerHour: 12}
	tests := []struct {
		name        string
		c           Credits
		running     CreditState
		stoppedFor  time.Duration
		wantCharged float64
		wantStart   CreditState
	}{
		{name: "t2 loses its balance and gets launch credits", c: t2, running: CreditState{Balance: 50, Launch: 3},
			stoppedFor: time.Minute, wantStart: CreditState{Launch: 30}},
		{name: "t2 unlimited gets no launch credits", c: t2.WithMode(Unlimited), running: CreditState{Balance: 50, Surplus: 0},
			stoppedFor: time.Minute, wantStart: CreditState{}},
		{name: "t3 keeps its balance for a week", c: t3, running: CreditState{Balance: 50},
			stoppedFor: 6 * day, wantStart: CreditState{Balance: 50}},
		{name: "t3 loses it after a week", c: t3, running: CreditState{Balance: 50},
			stoppedFor: 8 * day, wantStart: CreditState{}},
		{name: "t3 surplus is charged at stop", c: t3, running: CreditState{Surplus: 40},
			stoppedFor: time.Hour, wantCharged: 40, wantStart: CreditState{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, charged := tt.c.Stop(tt.running)
			if charged != tt.wantCharged {
				t.Fatalf("charged %v, want %v", charged, tt.wantCharged)
			}
			if got := tt.c.Start(kept, tt.stoppedFor); got != tt.wantStart {
				t.Fatalf("started with %+v, want %+v", got, tt.wantStart)
			}
		})
	}
}

func TestFillSetsCreditMetricsOfBurstableOnly(t *testing.T) {
	t2 := Credits{Burstable: true, Mode: Standard, Family: "t2", VCPUs: 1, BaselinePct: 10, EarnPerHour: 6}
	tests := []struct {
		name string
		c    Credits
		want bool
	}{
		{name: "burstable", c: t2, want: true},
		{name: "fixed", c: Credits{}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSample("i-0123456789abcdef0", epoch)
			r := tt.c.Step(CreditState{Balance: 5, Launch: 7}, 100, time.Minute)
			tt.c.Fill(&s, r)
			if s.Values[CPUUtilization] != r.EffectivePct {
				t.Fatalf("CPUUtilization %v, want %v", s.Values[CPUUtilization], r.EffectivePct)
			}
			for m := CPUCreditUsage; m <= CPUSurplusCreditsCharged; m++ {
				if s.Values.Has(m) != tt.want {
					t.Fatalf("%s reported %v, want %v", m, s.Values.Has(m), tt.want)
				}
			}
			if got := s.CreditState(); tt.want && (!near(got.Balance, r.Next.Balance) || got.Launch != r.Next.Launch || got.Surplus != r.Next.Surplus) {
				t.Fatalf("sample restores %+v, want %+v", got, r.Next)
			}
		})
	}
}
