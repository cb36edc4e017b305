#!/bin/sh
# The spike's audio files (Debian's sox and espeak-ng): the agent's fake microphone (1 kHz),
# the caller's tone (440 Hz, PCMU), queue music (660 Hz) and a spoken announcement.
set -e
cd "$(dirname "$0")"
mkdir -p media
sox -n -r 48000 -c 1 -b 16 media/tone1000.wav synth 60 sine 1000 vol 0.5
sox -n -r 8000 -c 1 -e u-law media/tone440_pcmu.wav synth 30 sine 440 vol 0.5
sox -n -r 8000 -c 1 -b 16 media/moh660.wav synth 8 sine 660 vol 0.5
espeak-ng -v fr -w media/announce_raw.wav "Votre appel va être pris par un conseiller."
sox media/announce_raw.wav -r 8000 -c 1 -b 16 media/announce.wav trim 0 3
