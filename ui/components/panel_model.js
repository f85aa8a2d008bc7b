// The panel-coloured model (GLB, one node per panel named by the panel id) in a ui.scene.
//
// glTF is Y up; the scene and our meshes are Z up, so the model is turned +90° about X and
// tap points arrive in the mesh frame (metres), ready for a split line.
// NiceGUI reports a tap under the closest ancestor with an `object_id`, by its name:
// tagging every panel node with this object's id makes a tap name the panel.
import { THREE, GLTFLoader } from "nicegui-scene";

const loader = new GLTFLoader();
const GREY = new THREE.Color("#9ca3af");
const LIGHT = new THREE.Color("#e5e7eb");

export default class PanelModel {
  mesh;
  panels = new Map();
  state = { selected: [], excluded: [] };

  async create_mesh(url, state) {
    const gltf = await loader.loadAsync(url);
    const root = gltf.scene;
    root.rotation.x = Math.PI / 2;
    this.mesh = new THREE.Group();
    this.mesh.add(root);
    root.traverse((node) => {
      const id = node.userData && node.userData.name;
      if (!id) return;
      node.name = id;
      const meshes = [];
      node.traverse((child) => child.isMesh && meshes.push(child));
      for (const m of meshes) {
        m.material = m.material.clone();
        m.userData.baseColor = m.material.color.clone();
      }
      this.panels.set(id, { node, meshes });
    });
    if (state) this.state = state;
    return this.mesh;
  }

  created() {
    for (const { node } of this.panels.values()) node.object_id = this.mesh.object_id;
    this.set_state(this.state);
  }

  set_state(state) {
    this.state = state;
    const selected = new Set(state.selected || []);
    const excluded = new Set(state.excluded || []);
    for (const [id, { meshes }] of this.panels) {
      for (const m of meshes) {
        const base = m.userData.baseColor;
        const color = base.clone();
        if (excluded.has(id)) color.lerp(GREY, 0.8);
        else if (selected.size && !selected.has(id)) color.lerp(LIGHT, 0.7);
        m.material.color.copy(color);
        m.material.transparent = excluded.has(id);
        m.material.opacity = excluded.has(id) ? 0.35 : 1.0;
        if (m.material.emissive) m.material.emissive.set(selected.has(id) ? "#2a2a2a" : "#000000");
        m.material.needsUpdate = true;
      }
    }
  }
}
