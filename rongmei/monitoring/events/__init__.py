"""Events (舆情事件): groups of copies joined by topic, their volume, heat and spikes; reprints of our
stories; the SVG charts the event page and the reports draw."""
