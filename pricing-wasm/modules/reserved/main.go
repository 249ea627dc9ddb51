// Command reserved is the built-in reserved-instance module: model.Reserved behind the SDK.
package main

import (
	"github.com/ec2x/ec2x/pricing-wasm/model"
	"github.com/ec2x/ec2x/pricing-wasm/sdk"
)

func init() { sdk.Reserved(model.Reserved) }

// main is never called: a c-shared guest runs init and then serves exports.
func main() {}
