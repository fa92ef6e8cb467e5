// Where a tensor lives: MXNet's Context (cpu(i) / gpu(i)).
#pragma once
#include <cstdint>
#include <string>

namespace gl {

// Codes match MXNet's dev_type, as stored in .params files.
enum class DeviceType : int8_t { CPU = 1, GPU = 2 };

struct Device {
  DeviceType type = DeviceType::CPU;
  int id = 0;
  bool is_cpu() const { return type == DeviceType::CPU; }
  bool is_gpu() const { return type == DeviceType::GPU; }
  bool operator==(const Device& o) const { return type == o.type && id == o.id; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  std::string str() const {  // "cpu(0)", the form MXNet prints
    return std::string(is_cpu() ? "cpu(" : "gpu(") + std::to_string(id) + ")";
  }
};

inline Device cpu_device(int id = 0) { return Device{DeviceType::CPU, id}; }

}  // namespace gl
