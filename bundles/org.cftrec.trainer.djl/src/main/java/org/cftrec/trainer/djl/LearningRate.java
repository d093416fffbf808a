package org.cftrec.trainer.djl;

import org.cftrec.api.train.TrainerParams;

/** Learning rate at a step (1-based): linear warm-up, then linear decay to 0, cosine decay, or constant. */
final class LearningRate {
    private LearningRate() {
    }

    static double at(int step, int totalSteps, TrainerParams p) {
        if (p.warmupSteps() > 0 && step <= p.warmupSteps()) {
            return p.lr() * step / p.warmupSteps();
        }
        int decaySteps = Math.max(1, totalSteps - p.warmupSteps());
        double progress = Math.min(1.0, (double) (step - p.warmupSteps()) / decaySteps);
        return switch (p.schedule()) {
            case LINEAR -> p.lr() * (1 - progress);
            case COSINE -> p.lr() * 0.5 * (1 + Math.cos(Math.PI * progress));
            case CONSTANT -> p.lr();
        };
    }
}
