% -*- mode: erlang -*-
{application, js_data,
 [{description,  "Blub"},
  {vsn,          "0.1"},
  {modules,      [jsd_generator, mrstress, stress_collector]},
  {registered,   []},
  {applications, [kernel, stdlib]}]}.
