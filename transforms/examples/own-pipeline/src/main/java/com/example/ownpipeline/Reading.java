package com.example.ownpipeline;

import java.io.Serializable;
import java.util.Objects;

/** The example's own record type: a sensor reading. */
public final class Reading implements Serializable {
  private static final long serialVersionUID = 1L;

  public final String sensorType;
  public final String room;
  public final double temperature;
  public final double humidity;

  public Reading(String sensorType, String room, double temperature, double humidity) {
    this.sensorType = sensorType;
    this.room = room;
    this.temperature = temperature;
    this.humidity = humidity;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Reading)) {
      return false;
    }
    Reading r = (Reading) o;
    return sensorType.equals(r.sensorType) && room.equals(r.room)
        && temperature == r.temperature && humidity == r.humidity;
  }

  @Override
  public int hashCode() {
    return Objects.hash(sensorType, room, temperature, humidity);
  }

  @Override
  public String toString() {
    return sensorType + "@" + room + "(" + temperature + "C, " + humidity + "%)";
  }
}
