package bench

import (
	"context"
	"time"
)

// Step is one rung of a saturation ramp.
type Step struct {
	Rate float64 `json:"rate"`
	Stats
}

// Saturation is the result of a ramp: the best successful throughput seen
// and the rungs that led there.
type Saturation struct {
	Best  Stats   `json:"best"`
	Rate  float64 `json:"best_rate"`
	Steps []Step  `json:"steps"`
}

// saturate raises the arrival rate step by step (open model at each step)
// until the server no longer keeps up: under 90 % of the offered rate
// succeeds, more than 1 % fail, or p99 passes one second. A failing step
// is tried once more after a pause, so that a moment of other work on the
// machine does not end the ramp. The highest successful throughput of any
// step is the saturation throughput.
func saturate(ctx context.Context, targets []Target, start float64, c Config) (Saturation, error) {
	var out Saturation
	rate := start
	retried := false
	for i := 0; i < c.RampSteps && ctx.Err() == nil; {
		s, err := Load{Rate: rate, Duration: c.RampStep, Targets: targets, Timeout: 5 * time.Second}.Run(ctx)
		if err != nil {
			return out, err
		}
		st := s.Summary(c.RampStep)
		out.Steps = append(out.Steps, Step{Rate: rate, Stats: st})
		if st.Throughput > out.Best.Throughput {
			out.Best, out.Rate = st, rate
		}
		// Let queues drain before the next rung.
		pause := min(c.RampStep/2, 500*time.Millisecond)
		if st.Throughput < 0.9*rate || st.ErrorRate > 0.01 || time.Duration(st.P99) > time.Second {
			if retried {
				break
			}
			retried = true
			time.Sleep(2 * pause)
			continue
		}
		retried = false
		rate *= c.RampFactor
		i++
		time.Sleep(pause)
	}
	return out, nil
}
