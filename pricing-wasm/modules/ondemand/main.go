// Command ondemand is the built-in on-demand module: the catalogue price.
package main

import (
	"github.com/ec2x/ec2x/pricing-wasm/model"
	"github.com/ec2x/ec2x/pricing-wasm/sdk"
)

func init() { sdk.OnDemand(model.OnDemand) }

// main is never called: a c-shared guest runs init and then serves exports.
func main() {}
