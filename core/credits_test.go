package core

import (
	"testing"
	"time"

	"github.com/ec2x/ec2x/core/ec2"
)

// An instance's own credit option, set at launch or changed while it
// runs, is the one the CPU credit model applies: in unlimited mode a T2
// that has spent its credits keeps bursting and owes surplus credits.
func TestCreditOptionFeedsCreditModel(t *testing.T) {
	e := newEnv(t, instantSim)
	start := e.clk.Now()
	out := e.run(use1, &ec2.RunInstancesInput{InstanceType: "t2.micro", TagSpecifications: instanceTags("ec2x:workload", "cpu-burn"),
		CreditSpecification: &ec2.CreditSpecificationRequest{CpuCredits: "unlimited"}})
	unlimited := out.Instances[0].InstanceId
	standard := runWorkload(t, e, "t2.micro", "cpu-burn")
	e.wait(use1, ec2.StateRunning, unlimited)
	advanceMinutes(e, 60)
	if cpu := average(t, e, unlimited, "CPUUtilization", start.Add(40*time.Minute), start.Add(60*time.Minute), "Average"); cpu < 98 {
		t.Errorf("launched unlimited, out of credits: CPUUtilization %.1f, want ~100", cpu)
	}
	if s := average(t, e, unlimited, "CPUSurplusCreditBalance", start.Add(50*time.Minute), start.Add(60*time.Minute), "Maximum"); !(s > 1) {
		t.Errorf("launched unlimited: CPUSurplusCreditBalance %.2f, want surplus owed", s)
	}
	if cpu := average(t, e, standard, "CPUUtilization", start.Add(40*time.Minute), start.Add(60*time.Minute), "Average"); cpu > 11 {
		t.Errorf("standard, out of credits: CPUUtilization %.1f, want held at the baseline", cpu)
	}
	mod, err := e.c.ModifyInstanceCreditSpecification(e.ctx, use1, &ec2.ModifyInstanceCreditSpecificationInput{
		InstanceCreditSpecifications: []ec2.InstanceCreditSpecification{{InstanceId: standard, CpuCredits: "unlimited"}}})
	if err != nil || len(mod.SuccessfulInstanceCreditSpecifications) != 1 {
		t.Fatalf("ModifyInstanceCreditSpecification: %+v, %v", mod, err)
	}
	advanceMinutes(e, 30)
	if cpu := average(t, e, standard, "CPUUtilization", start.Add(65*time.Minute), start.Add(90*time.Minute), "Average"); cpu < 98 {
		t.Errorf("changed to unlimited while running: CPUUtilization %.1f, want ~100", cpu)
	}
}

// Credit options outlive a restart: the instance's own and the region's
// family defaults.
func TestCreditOptionsSurviveRestart(t *testing.T) {
	e := newEnv(t, instantSim)
	id := e.run(use1, &ec2.RunInstancesInput{InstanceType: "t3.micro", CreditSpecification: &ec2.CreditSpecificationRequest{CpuCredits: "standard"}}).Instances[0].InstanceId
	if _, err := e.c.ModifyDefaultCreditSpecification(e.ctx, use1, &ec2.ModifyDefaultCreditSpecificationInput{InstanceFamily: "t2", CpuCredits: "unlimited"}); err != nil {
		t.Fatal(err)
	}
	e.reopen()
	out, err := e.c.DescribeInstanceCreditSpecifications(e.ctx, use1, &ec2.DescribeInstanceCreditSpecificationsInput{InstanceIds: []string{id}})
	if err != nil || len(out.InstanceCreditSpecifications) != 1 || out.InstanceCreditSpecifications[0].CpuCredits != "standard" {
		t.Fatalf("after a restart: %+v, %v; want standard (t3's default is unlimited)", out, err)
	}
	for _, tc := range []struct{ region, want string }{{use1, "unlimited"}, {usw2, "standard"}} {
		def, err := e.c.GetDefaultCreditSpecification(e.ctx, tc.region, &ec2.GetDefaultCreditSpecificationInput{InstanceFamily: "t2"})
		if err != nil || def.InstanceFamilyCreditSpecification.CpuCredits != tc.want {
			t.Errorf("t2 default in %s after a restart: %+v, %v; want %s", tc.region, def, err, tc.want)
		}
	}
}
