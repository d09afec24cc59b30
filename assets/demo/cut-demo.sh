#!/bin/sh
# Cuts the demo album's five excerpts from Debian's openclonk-data package.
# Needs: apt-get install openclonk-data ffmpeg
# Each excerpt is 40 s from the middle of the song with 0.5 s fades at the cut points
# (so the cuts do not click), re-encoded as OGG Vorbis q3 at the source's 44.1 kHz.
# The tracks keep their original levels: the album's spread in loudness and tone is
# the point of the demo.
set -eu
SRC=${SRC:-/usr/share/games/openclonk/Music.ocg}
OUT=$(dirname "$0")
cut() { # source start_s name title
    # Through a WAV: encoding straight from a seeked, filtered Ogg input gives packets with
    # non-monotonic timestamps, which a strict decoder reports as damage (and fills with silence).
    wav=$(mktemp --suffix=.wav)
    ffmpeg -nostdin -loglevel error -y -ss "$2" -t 40 -i "$SRC/$1" \
        -af "afade=t=in:d=0.5,afade=t=out:st=39.5:d=0.5" -c:a pcm_f32le "$wav"
    ffmpeg -nostdin -loglevel error -y -i "$wav" \
        -c:a libvorbis -q:a 3 -map_metadata -1 \
        -metadata title="$4" -metadata artist="K-Pone (Martin Strohmeier)" \
        -metadata album="Lathe demo album" "$OUT/$3"
    rm -f "$wav"
}
cut @CrushedIceCocktail.ogg 40 01-crushed-ice-cocktail.ogg "Crushed Ice Cocktail"
cut IslandDreams.ogg 60 02-island-dreams.ogg "Island Dreams"
cut Motorway.ogg 60 03-motorway.ogg "Motorway"
cut UrbanBolero.ogg 90 04-urban-bolero.ogg "Urban Bolero"
cut LucidDream.ogg 60 05-lucid-dream.ogg "Lucid Dream"
