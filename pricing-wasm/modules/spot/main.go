// Command spot is the built-in spot market module: model.Spot behind the SDK.
package main

import (
	"github.com/ec2x/ec2x/pricing-wasm/model"
	"github.com/ec2x/ec2x/pricing-wasm/sdk"
)

func init() { sdk.Spot(model.Spot) }

// main is never called: a c-shared guest runs init and then serves exports.
func main() {}
